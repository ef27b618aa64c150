import type { Report } from '../report/schema.js';

/** How many findings `reportSummary` lists one by one; the rest are counted. */
const LISTED_FINDINGS = 5;

/**
 * A short text summary of a report for an agent: target, score and verdict counts, the most
 * severe findings with their first evidence, and the judge's disagreements when a judge ran.
 * The full report is the tool's structured content; this is what a model reads first.
 */
export function reportSummary(r: Report): string {
  const out = [`plumbline ${r.tool.version}: ${r.target.name} (${r.target.files} files). ${r.context.summary}`];
  if (!r.applicable) {
    out.push('Not an agent harness (no LLM call or agent loop found): no gaps are scored.');
    return out.join('\n');
  }
  out.push(`Score ${r.score}/100: ${r.summary.present} present, ${r.summary.partial} partial, ${r.summary.absent} absent.`);
  out.push(`Findings (${r.findings.length}), most severe first:`);
  for (const f of r.findings.slice(0, LISTED_FINDINGS)) {
    const ev = r.primitives.find((p) => p.id === f.id)?.evidence[0];
    out.push(`- ${f.severity.toUpperCase()} ${f.id} (${f.verdict})${f.suppressed ? ' [suppressed]' : ''}${ev ? ` at ${ev.file}:${ev.line}` : ''}: ${f.fix}`);
  }
  if (r.findings.length > LISTED_FINDINGS) out.push(`- and ${r.findings.length - LISTED_FINDINGS} more (see the structured report).`);
  if (r.judge) {
    const judged = r.judge.reviews.filter((x) => x.judgeVerdict);
    out.push(`Judge (${r.judge.source}, ${r.judge.mode}): ${judged.length} reviewed, ${r.judge.disagreements} disagreement(s).`);
    for (const x of judged.filter((y) => y.agrees === false)) out.push(`- ${x.primitive}: static ${x.staticVerdict}, judge ${x.judgeVerdict}; ${x.note || 'advisory'}`);
    for (const x of r.judge.reviews.filter((y) => y.status === 'discarded')) out.push(`- ${x.primitive}: review discarded: ${x.note}`);
  }
  return out.join('\n');
}
