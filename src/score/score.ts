import { createHash } from 'node:crypto';
import type { Rubric, Severity, Primitive, ContextFlag } from '../rubric/schema.js';
import type { Detection, Context } from '../detect/types.js';
import type { Finding, PrimitiveResult, Report } from '../report/schema.js';

/**
 * The score stage: severity per gap, the overall score, findings ordered by severity, the
 * upgrade path in phases, and an acceptance test per finding. Pure and deterministic.
 * Severity rules come from the rubric (PRIMITIVES.md "Severity").
 */

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];
const TIER_WEIGHT: Record<number, number> = { 1: 3, 2: 2, 3: 1 };
const VERDICT_VALUE = { present: 1, partial: 0.5, absent: 0 } as const;

/** Rank of a severity: 0 = critical ... 3 = low. */
export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/**
 * Severity of a gap: the first rubric rule whose flags are all set, else `base`; a partial
 * primitive is one level lower than an absent one (never below low).
 */
export function gapSeverity(p: Primitive, verdict: 'partial' | 'absent', flags: ContextFlag[]): { severity: Severity; reason: string } {
  const rule = p.severity.rules.find((r) => r.when.every((f) => flags.includes(f)));
  let sev = rule?.severity ?? p.severity.base;
  let reason = rule ? rule.because : `tier ${p.tier} default`;
  if (verdict === 'partial') {
    sev = SEVERITY_ORDER[Math.min(3, severityRank(sev) + 1)]!;
    reason += '; lowered one level because the primitive is partly there';
  }
  return { severity: sev, reason };
}

/**
 * Overall score 0-100: tier-weighted mean of verdict values (present 1, partial 0.5, absent 0;
 * tier 1 weighs 3, tier 2 weighs 2, tier 3 weighs 1). Null when the target is not an agent.
 */
export function overallScore(rubric: Rubric, detections: Detection[], applicable: boolean): number | null {
  if (!applicable) return null;
  let num = 0;
  let den = 0;
  for (const p of rubric.primitives) {
    const d = detections.find((x) => x.id === p.id);
    const w = TIER_WEIGHT[p.tier] ?? 1;
    den += w;
    num += w * VERDICT_VALUE[d?.verdict ?? 'absent'];
  }
  return den ? Math.round((100 * num) / den) : 0;
}

/**
 * Builds the report body (everything but tool/target metadata). `primitives` holds the 12 core
 * primitives then the extended checks (`group: 'extended'`); `score`, `summary`, `findings`, the
 * upgrade path and the acceptance tests are the core's alone. The extended checks get their own
 * score, summary and findings in `extended` (never a gate, never in the upgrade path).
 */
export function score(rubric: Rubric, context: Context, detections: Detection[]): Pick<Report, 'applicable' | 'score' | 'summary' | 'primitives' | 'findings' | 'upgradePath' | 'acceptanceTests' | 'extended'> {
  const applicable = context.shape !== 'not-an-agent';
  const core = results(rubric.primitives, 'core', context, detections, applicable);
  const ext = results(rubric.extended, 'extended', context, detections, applicable);
  const primitives = [...core.primitives, ...ext.primitives];
  const findings = core.findings;
  const upgradePath = rubric.phases
    .map((ph) => ({ id: ph.id, title: ph.title, goal: ph.goal, findings: findings.filter((f) => f.phase === ph.id).map((f) => f.id) }))
    .filter((ph) => ph.findings.length)
    .map((ph, i) => ({ order: i + 1, ...ph }));
  const acceptanceTests = findings.map((f) => {
    const p = rubric.primitives.find((x) => x.id === f.id)!;
    return { finding: f.id, ...p.acceptance };
  });
  const count = (list: PrimitiveResult[], v: string) => list.filter((p) => p.verdict === v).length;
  const summaryOf = (list: PrimitiveResult[]) => ({ present: count(list, 'present'), partial: count(list, 'partial'), absent: count(list, 'absent') });
  return {
    applicable,
    score: overallScore(rubric, detections, applicable),
    summary: summaryOf(core.primitives),
    primitives,
    findings,
    upgradePath,
    acceptanceTests,
    ...(rubric.extended.length ? {
      extended: {
        score: overallScore({ ...rubric, primitives: rubric.extended }, detections, applicable),
        summary: summaryOf(ext.primitives),
        findings: ext.findings,
      },
    } : {}),
  };
}

/** Results and findings (sorted by severity) of one group of primitives. */
function results(list: Primitive[], group: 'core' | 'extended', context: Context, detections: Detection[], applicable: boolean): { primitives: PrimitiveResult[]; findings: Finding[] } {
  const primitives: PrimitiveResult[] = [];
  const findings: Array<Finding & { order: number; tier: number }> = [];
  list.forEach((p, order) => {
    const d = detections.find((x) => x.id === p.id)!;
    let severity: Severity | null = null;
    if (applicable && d.verdict !== 'present') {
      const g = gapSeverity(p, d.verdict, context.flags);
      severity = g.severity;
      findings.push({
        id: p.id, ruleId: `plumbline/${p.id}`, title: p.title, verdict: d.verdict, severity,
        message: `${d.verdict === 'absent' ? `${p.title} is missing. ${p.why}` : `${p.title} is only partly in place. ${d.rationale}`}${d.fixAt ? ` The fix belongs ${d.fixAt}.` : ''}`,
        severityReason: g.reason,
        evidence: d.evidence.map((e) => e.id), fix: p.fix, phase: p.phase, fingerprint: findingFingerprint(p.id, d.verdict, severity), order, tier: p.tier,
      });
    }
    primitives.push({
      id: p.id, title: p.title, tier: p.tier, verdict: d.verdict, confidence: d.confidence, severity,
      rationale: d.rationale, ...(d.chain ? { chain: d.chain } : {}), ...(d.fixAt ? { fixAt: d.fixAt } : {}), ...(d.origin ? { origin: d.origin } : {}),
      group, ...(p.crosswalk ? { crosswalk: p.crosswalk } : {}), criteria: d.criteria, evidence: d.evidence,
    });
  });
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.tier - b.tier || a.order - b.order);
  return { primitives, findings: findings.map(({ order: _o, tier: _t, ...f }) => f) };
}

/**
 * The stable key of a gap: sha256 of primitive id, verdict and severity (first 20 hex). No file
 * or line goes in, so moving code does not make an old gap look new; a gap that gets worse
 * (partial -> absent, high -> critical) does get a new key. Used by baselines and SARIF.
 */
export function findingFingerprint(id: string, verdict: string, severity: string): string {
  return createHash('sha256').update(`plumbline/v1\0${id}\0${verdict}\0${severity}`).digest('hex').slice(0, 20);
}
