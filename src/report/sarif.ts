import type { Report } from './schema.js';
import type { Rubric } from '../rubric/schema.js';
import type { Crosswalk, Severity } from '../rubric/schema.js';

/** SARIF `level` per gap severity. */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning's `security-severity` (0-10) per gap severity. */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

/** SARIF tags of a crosswalk: `12-factor-agents/factor-04`, `owasp-agentic/ASI02`. */
export function crosswalkTags(c: Crosswalk | undefined): string[] {
  if (!c) return [];
  return [...c.factors.map((n) => `12-factor-agents/factor-${String(n).padStart(2, '0')}`), ...c.owasp.map((id) => `owasp-agentic/${id}`)];
}

/**
 * SARIF 2.1.0 for code-scanning dashboards (issue 7): one rule per rubric primitive (id = the
 * PRIMITIVES.md id, help from the rubric; the extended checks are rules of their own, tagged
 * `extended`; crosswalk ids are tags), one result per gap (core and extended) with a repository-relative
 * location and `partialFingerprints` from the finding fingerprint. A partial primitive is
 * anchored on its strongest evidence; an absent one has no file of its own, so it is anchored
 * on the harness entry point (else the strongest evidence file; never on a file that may not
 * exist) and the message says so. Locations are relative to the git repository root
 * (`opts.repoPrefix` + the report path), each segment percent-encoded (`#`, `?`, `%`, spaces). Suppressed findings
 * carry a SARIF `suppressions` entry with their reason.
 */
/** `fixAt` of a primitive (src/detect/engine.ts fixLocation): `<where>: <file>:<line>`. */
const FIX_AT = /^(.*): (.+):(\d+)$/;

export function renderSarif(r: Report, rubric: Rubric, opts: { repoPrefix?: string } = {}): string {
  const prefix = opts.repoPrefix ?? '';
  const uriOf = (file: string) => `${prefix}${file}`.split('/').map(encodeURIComponent).join('/');
  const extendedIds = new Set(rubric.extended.map((p) => p.id));
  const rules = [...rubric.primitives, ...rubric.extended].map((p) => ({
    id: p.id,
    name: p.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: p.title },
    fullDescription: { text: `${p.what.trim()} ${p.why.trim()}` },
    help: {
      text: `${p.fix.trim()}\nAcceptance test (${p.acceptance.name}): given ${p.acceptance.given}; then ${p.acceptance.then}.`,
      markdown: `**Fix.** ${p.fix.trim()}\n\n**Acceptance test: ${p.acceptance.name}.** Given ${p.acceptance.given}; then ${p.acceptance.then}.`,
    },
    defaultConfiguration: { level: SARIF_LEVEL[p.severity.base] },
    properties: {
      tags: ['agent-harness', extendedIds.has(p.id) ? 'extended' : 'core', `tier-${p.tier}`, p.phase, ...crosswalkTags(p.crosswalk)],
      precision: 'medium', 'security-severity': SECURITY_SEVERITY[p.severity.base],
    },
  }));
  const ruleIndex = new Map(rules.map((x, i) => [x.id, i]));
  // an absent primitive is anchored on a file that exists: the entry point, else the strongest
  // evidence of the report; with neither, the result has no location (and says so)
  const strongest = [...r.primitives.flatMap((p) => p.evidence), ...Object.values(r.context.evidence).flat()].sort((a, b) => b.strength - a.strength || a.id.localeCompare(b.id))[0];
  const anchor = r.target.entryPoints[0] ?? strongest?.file;
  const extendedFindings = r.extended?.findings ?? [];
  const results = [...r.findings, ...extendedFindings].map((f) => {
    const prim = r.primitives.find((p) => p.id === f.id)!;
    const ev = f.verdict === 'partial' ? [...prim.evidence].sort((a, b) => b.strength - a.strength)[0] : undefined;
    // an absent primitive with a landmark is anchored where the harness model says the fix belongs
    const fix = !ev && prim.fixAt ? FIX_AT.exec(prim.fixAt) : null;
    const where = ev ? { uri: ev.file, line: ev.line } : fix ? { uri: fix[2]!, line: Number(fix[3]) } : anchor ? { uri: anchor, line: 1 } : undefined;
    const text = ev
      ? `${f.severity.toUpperCase()}: ${f.message}${prim.chain ? ` Chain: ${prim.chain}.` : ''} Fix: ${f.fix}`
      : fix
        ? `${f.severity.toUpperCase()}: ${f.message} Fix: ${f.fix}`
      : anchor
        ? `${f.severity.toUpperCase()}: ${f.message} (No file of its own: this gap is anchored on ${anchor === r.target.entryPoints[0] ? 'the harness entry point' : 'the strongest evidence file'} ${anchor}.) Fix: ${f.fix}`
        : `${f.severity.toUpperCase()}: ${f.message} (No file of its own, and the scan found no entry point to anchor it on.) Fix: ${f.fix}`;
    return {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id) ?? -1,
      level: SARIF_LEVEL[f.severity],
      message: { text },
      locations: where ? [{ physicalLocation: { artifactLocation: { uri: uriOf(where.uri), uriBaseId: '%SRCROOT%' }, region: { startLine: where.line } } }] : [],
      partialFingerprints: { 'plumbline/v1': f.fingerprint },
      properties: {
        verdict: f.verdict, severity: f.severity, phase: f.phase, 'security-severity': SECURITY_SEVERITY[f.severity], group: extendedIds.has(f.id) ? 'extended' : 'core',
        ...(prim.chain ? { chain: prim.chain } : {}), ...(prim.fixAt ? { fixAt: prim.fixAt } : {}),
        ...(prim.origin ? { origin: prim.origin } : {}), ...(f.baseline ? { baseline: f.baseline } : {}),
      },
      ...(f.baseline ? { baselineState: f.baseline === 'new' ? 'new' : 'unchanged' } : {}),
      ...(f.suppressed ? { suppressions: [{ kind: f.suppressed.by === 'comment' ? 'inSource' : 'external', justification: f.suppressed.reason }] } : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'plumbline', semanticVersion: r.tool.version, version: r.tool.version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: prefix ? `root of the git repository that contains the audited folder ${prefix.replace(/\/$/, '')}` : `root of the scanned repository ${r.target.name}` } } },
        automationDetails: { id: `plumbline/${r.rubric.id}/` },
        results,
        properties: {
          score: r.score, applicable: r.applicable, shape: r.context.shape,
          ...(r.extended ? { extendedScore: r.extended.score } : {}),
          ...(r.frameworks?.length ? { frameworks: r.frameworks.map((f) => f.id) } : {}),
          ...(r.rubric.custom ? { rubric: { id: r.rubric.id, hash: r.rubric.hash, file: r.rubric.custom.file, inTarget: r.rubric.custom.inTarget, bundled: false } } : {}),
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
