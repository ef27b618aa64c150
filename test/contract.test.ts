import { describe, expect, it } from 'vitest';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, fixture, tmp } from './helpers.js';
import { loadRubric } from '../src/index.js';
import { readBriefFile } from '../src/design/brief.js';
import { planFromBrief } from '../src/design/planner.js';
import { holdToPlan, ContractSchema, type Contract } from '../src/design/contract.js';
import type { Plan } from '../src/design/plan.js';
import type { Report } from '../src/report/schema.js';

const { rubric } = loadRubric();
const planOf = (brief: string) => planFromBrief(readBriefFile(join(ROOT, 'fixtures', 'briefs', `${brief}.yaml`)), rubric);
const writePlan = (p: Plan) => {
  const file = join(tmp('plumbline-plan-'), 'plan.json');
  writeFileSync(file, JSON.stringify(p));
  return file;
};
const row = (c: Contract, id: string) => c.planned.find((p) => p.id === id)!;

describe('the plan as a contract: holdToPlan (independent of how verdicts are computed)', () => {
  // a synthetic report: only primitives[].verdict and evidence matter to the contract
  const report = (verdicts: Record<string, 'present' | 'partial' | 'absent'>): Report =>
    ({
      target: { name: 'synthetic' },
      applicable: true,
      primitives: Object.entries(verdicts).map(([id, verdict]) => ({ id, title: id, verdict, evidence: verdict === 'absent' ? [] : [{ file: `src/${id}.ts`, line: 3 }, { file: `src/${id}.ts`, line: 3 }] })),
    }) as unknown as Report;
  const plan: Plan = planOf('two-tool-chat');
  const planned = Object.fromEntries(plan.primitives.map((p) => [p.id, 'present' as const]));

  it('agrees when every planned primitive is built and nothing unplanned is; the last phase is reached', () => {
    const c = holdToPlan(plan, report({ ...planned, permissions: 'absent', 'agent-types': 'absent' }));
    expect(ContractSchema.parse(c)).toEqual(c);
    expect(c.status).toBe('agrees');
    expect(c.phaseReached).toBe(plan.phases.at(-1)!.id);
    expect(c.nextPhase).toBeNull();
    expect(row(c, 'tool-registry').evidence).toEqual(['src/tool-registry.ts:3']);
  });

  it('drifts on a planned primitive that is missing and on a declined one that is built; phases stop at the first open one', () => {
    const c = holdToPlan(plan, report({ ...planned, 'event-log': 'absent', 'token-budget': 'partial', 'agent-types': 'present' }), 'week-one');
    expect(c.status).toBe('drifts');
    expect(row(c, 'event-log')).toMatchObject({ built: 'not built', verdict: 'absent', evidence: [] });
    expect(row(c, 'token-budget').built).toBe('partly built');
    expect(c.unplanned).toEqual([{ id: 'agent-types', title: 'agent-types', verdict: 'present', declined: true, evidence: ['src/agent-types.ts:3'] }]);
    expect(c.phaseReached).toBeNull(); // token-budget is a day-one primitive
    expect(c.broken).toEqual(expect.arrayContaining(['token-budget is planned for day-one but partly built', 'event-log is planned for week-one but not built', 'agent-types is built (present) but the plan declined it']));
  });

  it('refuses a claimed phase the plan does not have', () => {
    expect(() => holdToPlan(plan, report(planned), 'year-two')).toThrow(/not a phase of the plan/);
  });
});

describe('evaluate --plan: the round trip on fixtures', () => {
  it('agrees: a plan of all twelve against the full harness fixture, phase claim holds (exit 0)', async () => {
    const p = planOf('coding-agent-with-roles');
    expect(p.primitives).toHaveLength(12);
    const r = cli(['evaluate', fixture('ts-full-harness'), '--plan', writePlan(p), '--phase', p.phases.at(-1)!.id, '-f', 'json']);
    expect(r.code).toBe(0);
    const c = ContractSchema.parse(JSON.parse(r.stdout));
    expect(c.status).toBe('agrees');
    expect(c.unplanned).toEqual([]);
    expect(row(c, 'permissions').evidence.length).toBeGreaterThan(0);
    expect(c.phaseReached).toBe('month-one');
  });

  it('drifts: a lean plan against the full harness lists what is built but declined; a coding-agent plan against a bare chat lists what is missing', () => {
    const lean = cli(['evaluate', fixture('ts-full-harness'), '--plan', writePlan(planOf('two-tool-chat')), '-f', 'json']);
    expect(lean.code).toBe(0); // no --phase: the contract is a report, not a gate
    const c = ContractSchema.parse(JSON.parse(lean.stdout));
    expect(c.status).toBe('drifts');
    expect(c.unplanned.map((u) => u.id)).toContain('agent-types');
    expect(c.unplanned.find((u) => u.id === 'agent-types')!.declined).toBe(true);

    const plan = writePlan(planOf('coding-agent-cli'));
    const bare = cli(['evaluate', fixture('ts-minimal-chat'), '--plan', plan, '--phase', 'day-one']);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(/the code drifts from the plan; phase reached: none, next: day-one/);
    expect(bare.stdout).toMatch(/✘ not built\s+permissions\s+day-one/);
    expect(bare.stdout).toMatch(/permissions is planned for day-one but not built/);
    expect(bare.stderr).toMatch(/gate failed: phase day-one does not hold/);
  });

  it('bad input: one line, exit 2, no stack and no output file', () => {
    const dir = tmp('plumbline-plan-bad-');
    const out = join(dir, 'contract.txt');
    const missing = cli(['evaluate', fixture('ts-minimal-chat'), '--plan', join(dir, 'nope.json'), '-o', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read the plan/);
    const report = join(dir, 'report.json');
    writeFileSync(report, JSON.stringify({ kind: 'something-else' }));
    const wrong = cli(['evaluate', fixture('ts-minimal-chat'), '--plan', report, '-o', out]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/not a plumbline design plan/);
    const p = writePlan(planOf('two-tool-chat'));
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--plan', p, '--phase', 'later', '-o', out]).stderr).toMatch(/--phase "later" is not a phase of the plan/);
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--phase', 'day-one']).stderr).toMatch(/--phase names a phase of a plan/);
    const sarif = cli(['evaluate', fixture('ts-minimal-chat'), '--plan', p, '-f', 'sarif', '-o', out]);
    expect(sarif.code).toBe(2);
    for (const r of [missing, wrong, sarif]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
