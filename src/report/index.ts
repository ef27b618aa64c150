import type { Report } from './schema.js';
import { renderText, type RenderOptions } from './text.js';
import { renderMarkdown } from './markdown.js';
import type { Rubric } from '../rubric/schema.js';

/** Output formats of `plumbline evaluate --format`. */
export const FORMATS = ['text', 'json', 'markdown', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** Reporters are a name -> function map (STYLE.md convention 9). */
export const renderers: Record<Format, (r: Report, opts: RenderOptions & { rubric?: Rubric }) => string | Promise<string>> = {
  text: renderText,
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
  markdown: (r) => renderMarkdown(r),
  sarif: async (r, o) => (await import('./sarif.js')).renderSarif(r, o.rubric ?? (await import('../rubric/load.js')).loadRubric().rubric, o),
  html: async (r, o) => (await import('./html.js')).renderHtml(r, o),
};
