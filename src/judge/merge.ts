import type { Report } from '../report/schema.js';
import type { Rubric, Verdict } from '../rubric/schema.js';
import type { Context, Detection } from '../detect/types.js';
import { score } from '../score/score.js';
import type { JudgeReview, JudgeSection, JudgeUsage, StopReason } from './schema.js';

/** advisory: the report shows the judge beside the static verdict; adjust: see `mergeJudge`. */
export type JudgeMode = 'advisory' | 'adjust';

const RANK: Record<Verdict, number> = { absent: 0, partial: 1, present: 2 };
const BY_RANK: Verdict[] = ['absent', 'partial', 'present'];

/**
 * Merges judge reviews into a static report (issue 3 merge rules):
 * - always: a `judge` section with static and judge verdicts side by side; disagreements counted;
 * - `advisory` (default): verdicts, findings and score stay static;
 * - `adjust`: a disagreeing judge moves a verdict by at most one level toward its own, and only
 *   when its answer cites evidence that was sent, and only when no evidence sent in this run
 *   looks like a prompt injection (one such excerpt disables adjustments for the whole run). The score, findings and upgrade path are then recomputed.
 * The static report is not modified; a new report is returned.
 */
export function mergeJudge(
  report: Report,
  rubric: Rubric,
  run: { reviews: JudgeReview[]; usage: JudgeUsage; stopReason: StopReason | null },
  opts: { mode: JudgeMode; source: 'anthropic' | 'host'; model: string | null },
): Report {
  const reviews = run.reviews.map((r) => ({ ...r }));
  const moved = new Map<string, Verdict>();
  // one excerpt addressed to the reviewer taints the whole run: no answer of it may move a verdict
  const tainted = reviews.find((r) => r.suspicious)?.primitive;
  for (const r of reviews) {
    if (!r.judgeVerdict || r.agrees !== false || opts.mode !== 'adjust') continue;
    if (tainted) r.note = `not applied: evidence of ${tainted} contains text addressed to an AI reviewer`;
    else if (!r.citedEvidence.length) r.note = 'not applied: the answer cites no evidence';
    else {
      const from = RANK[r.staticVerdict];
      const step = Math.sign(RANK[r.judgeVerdict] - from);
      const to = BY_RANK[from + step]!;
      moved.set(r.primitive, to);
      r.applied = true;
      r.note = to === r.judgeVerdict ? `applied: ${r.staticVerdict} -> ${to}` : `applied one level: ${r.staticVerdict} -> ${to} (judge said ${r.judgeVerdict})`;
    }
  }
  const section: JudgeSection = {
    source: opts.source,
    model: opts.model,
    mode: opts.mode,
    stopReason: run.stopReason,
    usage: run.usage,
    disagreements: reviews.filter((r) => r.agrees === false).length,
    reviews,
  };
  if (!moved.size) return { ...report, judge: section };

  const detections: Detection[] = report.primitives.map((p) => ({
    id: p.id, verdict: moved.get(p.id) ?? p.verdict, confidence: p.confidence, criteria: p.criteria, evidence: p.evidence,
    rationale: moved.has(p.id) ? `${p.rationale} Judge (${opts.source}) moved the verdict from ${p.verdict} to ${moved.get(p.id)}.` : p.rationale,
  }));
  const context: Context = { ...report.context, entryPoints: report.target.entryPoints };
  return { ...report, ...score(rubric, context, detections), judge: section };
}
