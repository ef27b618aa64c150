import type { Report } from './schema.js';

/** Options shared by renderers. `color` adds ANSI colour (the CLI sets it only on a TTY). */
export interface RenderOptions {
  color?: boolean;
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
  out.push(`Scanned ${r.target.files} files (${Object.entries(r.target.languages).map(([k, v]) => `${k} ${v}`).join(', ')}); ${skippedText(r)}.`);
  if (!r.applicable) {
    out.push('');
    out.push(c('1', 'Verdict: not an agent harness.'));
    out.push('No LLM call or agent loop was found, so words such as "session", "permission" or "token" were not read as');
    out.push('harness primitives. All 12 primitives are reported absent and no gaps are scored.');
    return out.join('\n') + '\n';
  }
  out.push(c('1', `Score: ${r.score}/100`) + `  (${r.summary.present} present, ${r.summary.partial} partial, ${r.summary.absent} absent)`);
  out.push('');
  out.push(c('1', 'Primitives'));
  for (const p of r.primitives) {
    const ev = p.evidence[0];
    out.push(`  ${c(VERDICT_COLOR[p.verdict]!, `${VERDICT_MARK[p.verdict]} ${p.verdict.padEnd(7)}`)} ${p.id.padEnd(20)} ${p.confidence.padEnd(6)} ${ev ? `${ev.file}:${ev.line}` : ''}`);
  }
  out.push('');
  out.push(c('1', `Findings (${r.findings.length})`));
  r.findings.forEach((f, i) => {
    out.push(`  ${i + 1}. ${c(SEV_COLOR[f.severity]!, f.severity.toUpperCase())} ${f.id} (${f.verdict}) — ${f.message}`);
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

/** "skipped: 2 binary, 1 too large" or "nothing skipped". */
export function skippedText(r: Report): string {
  const parts = Object.entries(r.target.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.length ? `skipped ${parts.join(', ')}` : 'nothing skipped';
}
