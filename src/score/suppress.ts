import type { Report } from '../report/schema.js';

/** An in-source suppression comment found by the extract stage. */
export interface SourceSuppression {
  file: string;
  line: number;
  id: string;
  reason: string;
}

/**
 * Applies suppressions (issue 7): `plumbline-ignore <primitive-id> -- <reason>` comments in
 * source files, then config entries `{ primitive, reason }`. A suppression needs a reason and a
 * known primitive; otherwise it is listed under `suppressions.invalid` and ignored. Suppressed
 * findings stay in the report, marked `suppressed`, and never fail a gate. Pure: returns a new report.
 */
export function applySuppressions(report: Report, inSource: SourceSuppression[], config: Array<{ primitive: string; reason: string }>, configFile: string | null): Report {
  const ids = new Set(report.primitives.map((p) => p.id));
  const invalid: NonNullable<Report['suppressions']>['invalid'] = [];
  const by = new Map<string, NonNullable<Report['findings'][number]['suppressed']>>();
  for (const s of inSource) {
    if (!ids.has(s.id)) invalid.push({ file: s.file, line: s.line, problem: `unknown primitive "${s.id}"` });
    else if (!s.reason) invalid.push({ file: s.file, line: s.line, problem: `suppression of ${s.id} has no reason: write plumbline-ignore ${s.id} -- <reason>` });
    else if (!by.has(s.id)) by.set(s.id, { by: 'comment', reason: s.reason, file: s.file, line: s.line });
  }
  for (const c of config) {
    if (!ids.has(c.primitive)) invalid.push({ file: configFile ?? 'config', line: null, problem: `unknown primitive "${c.primitive}"` });
    else if (!by.has(c.primitive)) by.set(c.primitive, { by: 'config', reason: c.reason, file: configFile, line: null });
  }
  if (!inSource.length && !config.length) return report;
  let applied = 0;
  const findings = report.findings.map((f) => {
    const s = by.get(f.id);
    if (!s) return f;
    applied++;
    return { ...f, suppressed: s };
  });
  return { ...report, findings, suppressions: { applied, invalid } };
}
