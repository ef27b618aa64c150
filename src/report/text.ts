import type { Report } from './schema.js';
import type { JudgeUsage } from '../judge/schema.js';
import { EXTENDED_NOT_SENT, SKIP_LABEL, plural, rubricNote } from './labels.js';

/** Options shared by renderers. `color` adds ANSI colour (the CLI sets it only on a TTY). */
export interface RenderOptions {
  color?: boolean;
  /**
   * SARIF: the audited folder's path inside its git repository (`packages/agent/`), prefixed to
   * every location so code scanning resolves it from the repository root. Default ''.
   */
  repoPrefix?: string;
  /** HTML: prefix of evidence links, ending with `/` (default `./`: beside the audited files). */
  linkBase?: string;
}

/** The 12 core primitives of a report (the extended checks carry `group: 'extended'`). */
export function corePrimitives(r: Report): Report['primitives'] {
  return r.primitives.filter((p) => p.group !== 'extended');
}

/** The extended checks of a report (PRIMITIVES.md "Extended checks"). */
export function extendedChecks(r: Report): Report['primitives'] {
  return r.primitives.filter((p) => p.group === 'extended');
}

/** A crosswalk as one short text: `12-factor 1, 4 · ASI02`, or '' when there is none. */
export function crosswalkText(c: Report['primitives'][number]['crosswalk']): string {
  if (!c) return '';
  return [c.factors.length ? `12-factor ${c.factors.join(', ')}` : '', c.owasp.join(', ')].filter(Boolean).join(' · ');
}

/** "Vercel AI SDK (src/chat.ts:12 streamText)" per framework the app is built on, or ''. */
export function frameworksText(r: Report): string {
  return (r.frameworks ?? []).map((f) => `${f.title}${f.runs[0] ? ` (${f.runs[0].file}:${f.runs[0].line} ${f.runs[0].name})` : ''}`).join(', ');
}

const SEV_COLOR: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
const VERDICT_MARK: Record<string, string> = { present: '✔', partial: '◐', absent: '✘' };
const VERDICT_COLOR: Record<string, string> = { present: '32', partial: '33', absent: '31' };

/**
 * Terminal report: verdict table, then findings (by severity), then the upgrade path in phases,
 * then the acceptance test per finding. Colour only when `opts.color`.
 */
export function renderText(r: Report, opts: RenderOptions = {}): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  out.push(c('1', `plumbline ${r.tool.version} — ${r.target.name}`));
  out.push(`${r.context.summary}`);
  const note = rubricNote(r.rubric);
  if (note) out.push(c('1;33', note));
  out.push(`Scanned ${plural(r.target.files, 'file')} (${Object.entries(r.target.languages).map(([k, v]) => `${k} ${v}`).join(', ')}); ${skippedText(r)}.`);
  if (r.frameworks?.length) out.push(`Built on: ${frameworksText(r)}. Framework options count only where the app passes them.`);
  if (!r.applicable) {
    out.push('');
    out.push(c('1', 'Verdict: not an agent harness.'));
    out.push('No agent loop (a model call that leads to tool execution) was found, so words such as "session", "permission" or "token" were not read as');
    out.push('harness primitives. All 12 primitives are reported absent and no gaps are scored.');
    return out.join('\n') + '\n';
  }
  out.push(c('1', `Score: ${r.score}/100`) + `  (${r.summary.present} present, ${r.summary.partial} partial, ${r.summary.absent} absent)`);
  out.push('');
  out.push(c('1', 'Primitives'));
  // the id column fits the longest id (core and extended)
  const idWidth = Math.max(20, ...r.primitives.map((p) => p.id.length));
  const header = (label: string) => out.push(c('2', `  ${'verdict'.padEnd(9)} ${label.padEnd(idWidth)} ${'confidence'.padEnd(10)} first evidence`));
  const row = (p: Report['primitives'][number]) => {
    const ev = p.evidence[0];
    const jr = r.judge?.reviews.find((x) => x.primitive === p.id);
    const j = jr?.judgeVerdict ? `  judge: ${jr.judgeVerdict}${jr.agrees ? '' : c('1;33', ' ≠ disagrees')}${jr.applied ? ' (applied)' : ''}` : '';
    const cw = crosswalkText(p.crosswalk);
    out.push(`  ${c(VERDICT_COLOR[p.verdict]!, `${VERDICT_MARK[p.verdict]} ${p.verdict.padEnd(7)}`)} ${p.id.padEnd(idWidth)} ${p.confidence.padEnd(10)} ${ev ? `${ev.file}:${ev.line}` : ''}${p.origin ? `  from ${p.origin}` : ''}${cw ? c('2', `  [${cw}]`) : ''}${j}`.trimEnd());
    if (p.chain) out.push(`      ${c('2', p.chain)}`);
  };
  header('primitive');
  corePrimitives(r).forEach(row);
  const ext = extendedChecks(r);
  if (ext.length && r.extended) {
    out.push('');
    out.push(c('1', `Extended checks: ${r.extended.score}/100`) + `  (${r.extended.summary.present} present, ${r.extended.summary.partial} partial, ${r.extended.summary.absent} absent; not part of the score above)`);
    header('check');
    ext.forEach(row);
    if (r.extended.findings.length) out.push(`  gaps: ${r.extended.findings.map((f) => `${c(SEV_COLOR[f.severity]!, f.severity)} ${f.id}`).join(', ')} (plumbline rubric show <id> for the fix)`);
  }
  if (r.judge) out.push('', ...judgeText(r, c));
  out.push('');
  out.push(c('1', `Findings (${r.findings.length})`));
  r.findings.forEach((f, i) => {
    const tags = `${f.suppressed ? ` [suppressed: ${f.suppressed.reason}]` : ''}${f.baseline === 'unchanged' ? ' [in baseline]' : f.baseline === 'new' ? ' [new]' : ''}`;
    out.push(`  ${i + 1}. ${c(SEV_COLOR[f.severity]!, f.severity.toUpperCase())} ${f.id} (${f.verdict})${tags} — ${f.message}`);
    out.push(`     why this severity: ${f.severityReason}`);
    const p = r.primitives.find((x) => x.id === f.id)!;
    for (const e of p.evidence.slice(0, 3)) out.push(`     evidence ${e.file}:${e.line}  ${e.snippet}`);
    out.push(`     fix: ${f.fix}`);
  });
  if (r.upgradePath.length) {
    out.push('');
    out.push(c('1', 'Upgrade path'));
    for (const ph of r.upgradePath) out.push(`  Phase ${ph.order}: ${ph.title} — ${ph.goal}\n     ${ph.findings.join(', ')}`);
  }
  if (r.acceptanceTests.length) {
    out.push('');
    out.push(c('1', 'Acceptance tests that would confirm each fix'));
    for (const t of r.acceptanceTests) out.push(`  [${t.finding}] ${t.name}\n     given ${t.given}\n     then ${t.then}`);
  }
  return out.join('\n') + '\n';
}

/** "skipped 2 binary, 1 too large" or "nothing skipped". */
export function skippedText(r: Report): string {
  const parts = Object.entries(r.target.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${SKIP_LABEL[k as keyof typeof SKIP_LABEL] ?? k}`);
  return parts.length ? `skipped ${parts.join(', ')}` : 'nothing skipped';
}

/** The judge section: who judged, the budget used, the stop reason, and every disagreement. */
export function judgeText(r: Report, c: (code: string, s: string) => string): string[] {
  const j = r.judge!;
  const u = j.usage;
  const out = [c('1', `Judge: ${j.source}${j.model ? ` ${j.model}` : ''}, ${j.mode} mode — ${j.disagreements} disagreement(s)`)];
  if (j.source === 'anthropic') {
    out.push(`  ${judgeUsageText(u)}`);
  }
  if (j.stopReason) out.push(`  stopped early: ${j.stopReason.message}`);
  for (const v of j.reviews) {
    if (v.status === 'skipped' && (v.note === 'no evidence to review' || v.note === EXTENDED_NOT_SENT)) continue;
    const head = v.judgeVerdict ? `static ${v.staticVerdict} / judge ${v.judgeVerdict}${v.agrees ? '' : ' ≠'}` : v.status;
    out.push(`  ${v.primitive.padEnd(20)} ${head}${v.suspicious ? '  ⚠ evidence addresses an AI reviewer' : ''}${v.note ? `  (${v.note})` : ''}`);
    if (v.judgeVerdict && !v.agrees && v.rationale) out.push(`     ${v.rationale}`);
    if (v.judgeVerdict && !v.agrees && v.findingText) out.push(`     suggested finding: ${v.findingText}`);
  }
  return out;
}

/**
 * Requests, cache hits, tokens and cost of a judge run, then what was redacted or withheld in
 * the requests that were sent ("nothing was sent" when none was).
 */
export function judgeUsageText(u: JudgeUsage): string {
  const head = `${plural(u.calls, 'request')}, ${plural(u.cacheHits, 'cache hit')}, ${u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens} input / ${u.outputTokens} output tokens, $${u.costUsd.toFixed(4)}`;
  if (!u.calls) return `${head}; nothing was sent`;
  return `${head}; in what was sent: ${plural(u.redactions, 'secret')} redacted, ${plural(u.withheldFiles, 'sensitive evidence item')} withheld`;
}
