import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from './schema.js';
import { skippedText } from './text.js';
import { plural, rubricNote } from './labels.js';

/** Path of the HTML report template. */
export const HTML_TEMPLATE = fileURLToPath(new URL('../../templates/report.html.hbs', import.meta.url));

const COLOR: Record<string, string> = { present: '#1a7f37', partial: '#bf8700', absent: '#cf222e' };
const WIDTH: Record<string, number> = { present: 560, partial: 280, absent: 24 };

/**
 * One self-contained HTML file (issue 7): inline CSS and an inline SVG bar chart, no script and
 * no network request (a Content-Security-Policy of `default-src 'none'` enforces both). Every
 * value from the scanned repository goes through Handlebars' HTML escaping; evidence links are
 * relative to `opts.linkBase` (default `./`; the CLI passes the audited folder relative to
 * where the report is written) and URI-encoded, so a file name cannot become a `javascript:`
 * URL. Every primitive, present ones included, lists its evidence so a clean score can be checked.
 */
export async function renderHtml(r: Report, opts: { linkBase?: string } = {}): Promise<string> {
  const base = (opts.linkBase ?? './').replace(/\/?$/, '/');
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('evidenceOf', (id: string) => r.primitives.find((p) => p.id === id)?.evidence.slice(0, 3) ?? []);
  hb.registerHelper('link', (file: string, line: number) => `${encodeURI(base).replace(/#/g, '%23').replace(/\?/g, '%3F')}${file.split('/').map(encodeURIComponent).join('/')}#L${Number(line)}`);
  const bars = r.primitives.map((p, i) => ({
    id: p.id, verdict: p.verdict, severity: p.severity, color: COLOR[p.verdict], width: WIDTH[p.verdict],
    y: 8 + i * 28, textY: 22 + i * 28, labelX: 210 + WIDTH[p.verdict]!,
  }));
  const tpl = hb.compile(readFileSync(HTML_TEMPLATE, 'utf8'), { strict: false });
  return tpl({ ...r, skipped: skippedText(r), scanned: plural(r.target.files, 'file'), rubricNote: rubricNote(r.rubric), bars, chartHeight: 16 + r.primitives.length * 28 });
}
