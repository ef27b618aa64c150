import { z } from 'zod';
import type { Report } from '../report/schema.js';
import { readJsonFile } from '../util/json.js';

/**
 * A baseline (issue 7): the gaps a team has accepted for now, keyed by finding fingerprint
 * (primitive + verdict + severity, never line numbers). With `--baseline`, only gaps that are
 * not in it fail the gate, so adoption can be incremental.
 */
export const BaselineSchema = z.object({
  kind: z.literal('plumbline-baseline'),
  version: z.literal(1),
  rubric: z.string(),
  findings: z.array(z.object({ id: z.string(), verdict: z.string(), severity: z.string(), fingerprint: z.string() })),
});
export type Baseline = z.infer<typeof BaselineSchema>;

/** The baseline of a report: every current finding, sorted by id. */
export function baselineOf(report: Report): Baseline {
  return {
    kind: 'plumbline-baseline',
    version: 1,
    rubric: report.rubric.id,
    findings: report.findings.map((f) => ({ id: f.id, verdict: f.verdict, severity: f.severity, fingerprint: f.fingerprint })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Reads and validates a baseline file. @throws ConfigError */
export function readBaseline(file: string): Baseline {
  return readJsonFile(file, BaselineSchema, 'the baseline', 'write one with --write-baseline');
}

/** Marks each finding `new` or `unchanged` against a baseline. Pure. */
export function applyBaseline(report: Report, baseline: Baseline): Report {
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  return { ...report, findings: report.findings.map((f) => ({ ...f, baseline: known.has(f.fingerprint) ? 'unchanged' : 'new' })) };
}
