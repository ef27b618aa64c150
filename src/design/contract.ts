import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PlanSchema, type Plan } from './plan.js';
import type { Report } from '../report/schema.js';
import { ConfigError, UsageError, formatZodIssues } from '../util/errors.js';

/**
 * The plan as a contract (issue 13, item 5): `plumbline evaluate PATH --plan plan.json` holds a
 * built harness against the plan it was designed from. The audit's side is only the report's
 * `primitives[].verdict` and `evidence` (the stable report contract), so this logic does not
 * depend on how verdicts are computed. A planned primitive is built when its verdict is `present`
 * (PRIMITIVES.md verdict criteria), partly built when `partial`.
 */
export const ContractSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('plumbline-plan-contract'),
  plan: z.object({ name: z.string(), source: z.enum(['brief', 'audit']), level: z.string().nullable() }),
  target: z.object({ name: z.string(), applicable: z.boolean() }),
  status: z.enum(['agrees', 'drifts']).describe('agrees: every planned primitive is built and nothing unplanned is'),
  planned: z.array(
    z.object({ id: z.string(), title: z.string(), phase: z.string(), verdict: z.enum(['present', 'partial', 'absent', 'unknown']), built: z.enum(['built', 'partly built', 'not built']), evidence: z.array(z.string()) }),
  ),
  unplanned: z.array(z.object({ id: z.string(), title: z.string(), verdict: z.enum(['present', 'partial']), declined: z.boolean(), evidence: z.array(z.string()) })).describe('built (present or partial) but not in the plan; declined: the plan declined it on purpose'),
  phases: z.array(z.object({ id: z.string(), title: z.string(), reached: z.boolean(), missing: z.array(z.string()) })),
  phaseReached: z.string().nullable().describe('the last phase whose primitives, and those of every phase before it, are all built'),
  nextPhase: z.string().nullable(),
  claimedPhase: z.string().nullable().describe('--phase: the phase the code claims to have reached'),
  broken: z.array(z.string()).describe('with --phase: why the claim does not hold (exit 1)'),
});
export type Contract = z.infer<typeof ContractSchema>;

/**
 * Reads a plan written by `plumbline design -f json`.
 * @throws ConfigError one line per problem (unreadable, not JSON, not a plumbline plan, schema)
 */
export function readPlanFile(file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the plan: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]} (write one with plumbline design ... -f json -o ${file})`);
  }
  if ((data as { kind?: unknown } | null)?.kind !== 'plumbline-design-plan') throw new ConfigError(`${file}: not a plumbline design plan (write one with plumbline design ... -f json -o ${file})`);
  const r = PlanSchema.safeParse(data);
  if (!r.success) throw new ConfigError(formatZodIssues(file, r.error.issues));
  return r.data;
}

/** Up to three distinct `file:line` citations. */
const cite = (ev: Array<{ file: string; line: number }>) => [...new Set(ev.map((e) => `${e.file}:${e.line}`))].slice(0, 3);

/**
 * Holds an audit report against a plan.
 * @param claimedPhase a phase id of the plan the code claims to have reached; every primitive
 *   planned up to it must be built and nothing unplanned may be, or `broken` says why
 * @throws UsageError when `claimedPhase` is not a phase of the plan
 */
export function holdToPlan(plan: Plan, report: Report, claimedPhase?: string): Contract {
  const byId = new Map(report.primitives.map((p) => [p.id, p]));
  const planned: Contract['planned'] = plan.primitives.map((p) => {
    const r = byId.get(p.id);
    const verdict = r?.verdict ?? 'unknown';
    return { id: p.id, title: p.title, phase: p.phase, verdict, built: verdict === 'present' ? 'built' : verdict === 'partial' ? 'partly built' : 'not built', evidence: cite(r?.evidence ?? []) };
  });
  const inPlan = new Set(plan.primitives.map((p) => p.id));
  const declined = new Set(plan.deferred.map((d) => d.id));
  const unplanned: Contract['unplanned'] = report.primitives
    .filter((p) => !inPlan.has(p.id) && (p.verdict === 'present' || p.verdict === 'partial'))
    .map((p) => ({ id: p.id, title: p.title, verdict: p.verdict as 'present' | 'partial', declined: declined.has(p.id), evidence: cite(p.evidence) }));
  const builtIds = new Set(planned.filter((p) => p.built === 'built').map((p) => p.id));
  const phases = plan.phases.map((ph) => {
    const ids = [...new Set([...ph.tasks.map((t) => t.primitive), ...plan.primitives.filter((p) => p.phase === ph.id).map((p) => p.id)])].filter((id) => inPlan.has(id));
    const missing = ids.filter((id) => !builtIds.has(id));
    return { id: ph.id, title: ph.title, reached: missing.length === 0, missing };
  });
  const firstOpen = phases.findIndex((p) => !p.reached);
  const reachedCount = firstOpen === -1 ? phases.length : firstOpen;
  let broken: string[] = [];
  if (claimedPhase !== undefined) {
    const at = phases.findIndex((p) => p.id === claimedPhase);
    if (at < 0) throw new UsageError(`--phase "${claimedPhase}" is not a phase of the plan; use one of ${phases.map((p) => p.id).join(', ')}`);
    broken = [
      ...phases.slice(0, at + 1).flatMap((p) => p.missing.map((id) => `${id} is planned for ${p.id} but ${planned.find((x) => x.id === id)!.built}`)),
      ...unplanned.map((u) => `${u.id} is built (${u.verdict}) but ${u.declined ? 'the plan declined it' : 'not in the plan'}`),
    ];
  }
  return {
    schemaVersion: 1,
    kind: 'plumbline-plan-contract',
    plan: { name: plan.name, source: plan.source, level: plan.level?.id ?? null },
    target: { name: report.target.name, applicable: report.applicable },
    status: planned.every((p) => p.built === 'built') && unplanned.length === 0 ? 'agrees' : 'drifts',
    planned,
    unplanned,
    phases,
    phaseReached: reachedCount > 0 ? phases[reachedCount - 1]!.id : null,
    nextPhase: phases[reachedCount]?.id ?? null,
    claimedPhase: claimedPhase ?? null,
    broken,
  };
}

/** Contract output formats. */
export const CONTRACT_FORMATS = ['text', 'json', 'markdown'] as const;

/** Renders a contract as text (one line per primitive), Markdown or JSON. */
export function renderContract(c: Contract, format: (typeof CONTRACT_FORMATS)[number]): string {
  if (format === 'json') return JSON.stringify(c, null, 2) + '\n';
  const md = format === 'markdown';
  const mark = { built: '✔', 'partly built': '◐', 'not built': '✘' } as const;
  const esc = (s: string) => (md ? s.replace(/([\\`*_[\]|<>])/g, '\\$1') : s);
  const out: string[] = [];
  out.push(md ? `# Plan contract: ${esc(c.plan.name)} against ${esc(c.target.name)}` : `plumbline plan contract — ${c.plan.name} against ${c.target.name}`);
  out.push('');
  out.push(`${md ? '**Status**' : 'Status'}: ${c.status === 'agrees' ? 'the code agrees with the plan' : 'the code drifts from the plan'}; phase reached: ${c.phaseReached ?? 'none'}${c.nextPhase ? `, next: ${c.nextPhase}` : ''}.`);
  if (!c.target.applicable) out.push('The audit found no agent harness in the target: nothing of the plan is built yet.');
  out.push('', md ? '## Planned primitives' : 'Planned primitives');
  for (const p of c.planned) {
    const ev = p.evidence.length ? ` ${p.evidence.join(', ')}` : '';
    out.push(md ? `- ${mark[p.built]} \`${p.id}\` (${p.phase}): ${p.built}${ev ? ` — ${esc(ev.trim())}` : ''}` : `  ${mark[p.built]} ${p.built.padEnd(12)} ${p.id.padEnd(20)} ${p.phase.padEnd(10)}${ev}`);
  }
  out.push('', md ? '## Built but not planned' : 'Built but not planned');
  if (!c.unplanned.length) out.push(md ? '- none' : '  none');
  for (const u of c.unplanned) {
    const ev = u.evidence.length ? ` ${u.evidence.join(', ')}` : '';
    const why = u.declined ? 'declined by the plan' : 'not in the plan';
    out.push(md ? `- \`${u.id}\` (${u.verdict}, ${why})${ev ? ` — ${esc(ev.trim())}` : ''}` : `  ! ${u.verdict.padEnd(8)} ${u.id.padEnd(20)} ${why}${ev}`);
  }
  out.push('', md ? '## Phases' : 'Phases');
  for (const ph of c.phases) out.push(`${md ? '- ' : '  '}${ph.reached ? 'reached' : 'open   '} ${ph.id}${ph.missing.length ? `: missing ${ph.missing.join(', ')}` : ''}`);
  if (c.claimedPhase) {
    out.push('', `${md ? '**Claim**' : 'Claim'}: phase ${c.claimedPhase} ${c.broken.length ? 'does not hold' : 'holds'}.`);
    for (const b of c.broken) out.push(`${md ? '- ' : '  '}${esc(b)}`);
  }
  return out.join('\n') + '\n';
}
