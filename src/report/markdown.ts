import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from './schema.js';
import { corePrimitives, crosswalkText, extendedChecks, frameworksText, skippedText } from './text.js';
import { plural, rubricNote } from './labels.js';

/** Path of the Markdown report template. */
export const MARKDOWN_TEMPLATE = fileURLToPath(new URL('../../templates/report.md.hbs', import.meta.url));

/**
 * Markdown report rendered with Handlebars from `templates/report.md.hbs`. Values from the scanned
 * repository (paths, snippets) are escaped for Markdown by the `md` and `code` helpers.
 */
export async function renderMarkdown(r: Report): Promise<string> {
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  hb.registerHelper('md', (s: unknown) => new hb.SafeString(String(s ?? '').replace(/([\\`*_{}[\]()#+!|<>])/g, '\\$1').replace(/\r?\n/g, ' ')));
  hb.registerHelper('code', (s: unknown) => new hb.SafeString(`\`${String(s ?? '').replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``));
  hb.registerHelper('upper', (s: unknown) => String(s).toUpperCase());
  hb.registerHelper('inc', (n: unknown) => Number(n) + 1);
  hb.registerHelper('reviewOf', (id: string) => r.judge?.reviews.find((v) => v.primitive === id));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('fixed', (n: unknown) => Number(n).toFixed(4));
  hb.registerHelper('crosswalk', (c: Report['primitives'][number]['crosswalk']) => crosswalkText(c) || '-');
  hb.registerHelper('evidenceOf', (id: string) => r.primitives.find((p) => p.id === id)?.evidence.slice(0, 3) ?? []);
  const tpl = hb.compile(readFileSync(MARKDOWN_TEMPLATE, 'utf8'), { noEscape: true, strict: false });
  return tpl({ ...r, skipped: skippedText(r), scanned: plural(r.target.files, 'file'), rubricNote: rubricNote(r.rubric), core: corePrimitives(r), extendedChecks: extendedChecks(r), builtOn: frameworksText(r) }).replace(/\n{3,}/g, '\n\n');
}
