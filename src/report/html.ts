import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from './schema.js';
import { corePrimitives, crosswalkText, extendedChecks, frameworksText, skippedText } from './text.js';
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
  hb.registerHelper('crosswalk', (c: Report['primitives'][number]['crosswalk']) => crosswalkText(c) || '-');
  const core = corePrimitives(r);
  const bars = core.map((p, i) => ({
    id: p.id, verdict: p.verdict, severity: p.severity, color: COLOR[p.verdict], width: WIDTH[p.verdict],
    y: 8 + i * 28, textY: 22 + i * 28, labelX: 210 + WIDTH[p.verdict]!,
  }));
  const tpl = hb.compile(readFileSync(HTML_TEMPLATE, 'utf8'), { strict: false });
  return tpl({ ...r, skipped: skippedText(r), scanned: plural(r.target.files, 'file'), rubricNote: rubricNote(r.rubric), bars, chartHeight: 16 + core.length * 28, map: mapDiagram(r), core, extendedChecks: extendedChecks(r), builtOn: frameworksText(r) });
}

const BOX_W = 280;
const BOX_H = 58;
const COL_X = [10, 320, 630] as const;
const ROW_Y = [10, 120] as const;

/**
 * Layout of the harness map diagram (issue 11, item 5): entry -> loop -> model call on the
 * first row, tool definitions -> tool execution on the second, an arrow from the loop to tool
 * execution, then the evidence attached to them as lines of text. Undefined when no loop was found.
 */
function mapDiagram(r: Report) {
  const h = r.harness;
  const loop = h.loops[0];
  if (!loop) return undefined;
  const at = (p?: { file: string; line: number }) => (p ? `${p.file}:${p.line}` : 'not found');
  const entry = loop.fromEntry[0];
  const boxes = [
    { x: COL_X[0], y: ROW_Y[0], title: 'entry point', name: entry?.name ?? '(none found)', where: at(entry) },
    { x: COL_X[1], y: ROW_Y[0], title: `agent loop${h.loops.length > 1 ? ` (1 of ${h.loops.length})` : ''}`, name: loop.name, where: at(loop) },
    { x: COL_X[2], y: ROW_Y[0], title: 'model call', name: h.modelCalls[0]?.name ?? '(none found)', where: at(h.modelCalls[0]) },
    { x: COL_X[1], y: ROW_Y[1], title: 'tool execution', name: h.toolExecution[0]?.name ?? h.toolCallReads[0]?.name ?? '(none found)', where: at(h.toolExecution[0] ?? h.toolCallReads[0]) },
    { x: COL_X[2], y: ROW_Y[1], title: `tool definitions (${h.toolDefinitions.count})`, name: h.toolDefinitions.first[0]?.name ?? '(none found)', where: at(h.toolDefinitions.first[0]) },
  ].map((b) => ({ ...b, w: BOX_W, h: BOX_H, tx: b.x + 8, t1: b.y + 18, t2: b.y + 36, t3: b.y + 52, name: clip(b.name), where: clip(b.where) }));
  const mid = (i: number) => ROW_Y[i]! + BOX_H / 2;
  const arrows = [
    { x1: COL_X[0]! + BOX_W, y1: mid(0), x2: COL_X[1]!, y2: mid(0) },
    { x1: COL_X[1]! + BOX_W, y1: mid(0), x2: COL_X[2]!, y2: mid(0) },
    { x1: COL_X[1]! + BOX_W / 2, y1: ROW_Y[0]! + BOX_H, x2: COL_X[1]! + BOX_W / 2, y2: ROW_Y[1]! },
    { x1: COL_X[2]!, y1: mid(1), x2: COL_X[1]! + BOX_W, y2: mid(1) },
  ];
  const attached = h.attached.slice(0, 16).map((a, i) => ({ y: ROW_Y[1]! + BOX_H + 34 + i * 18, text: clip(`${a.primitive} · ${a.relation} · ${a.file}:${a.line}  ${a.name}`, 140) }));
  return { boxes, arrows, attached, height: ROW_Y[1]! + BOX_H + 40 + attached.length * 18 };
}

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
