import type { Report } from './schema.js';
import { renderText, type RenderOptions } from './text.js';
import { renderMarkdown } from './markdown.js';

/** Output formats of `plumbline evaluate --format`. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Reporters are a name -> function map (STYLE.md convention 9). */
export const renderers: Record<Format, (r: Report, opts: RenderOptions) => string | Promise<string>> = {
  text: renderText,
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
  markdown: (r) => renderMarkdown(r),
};
