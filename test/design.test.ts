import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, fixture, tmp } from './helpers.js';
import { loadRubric } from '../src/index.js';
import { readBriefFile } from '../src/design/brief.js';
import { planFromBrief } from '../src/design/planner.js';
import { renderPlan } from '../src/design/render.js';
import { PlanSchema, type Plan } from '../src/design/plan.js';

const { rubric } = loadRubric();
const brief = (name: string) => join(ROOT, 'fixtures', 'briefs', `${name}.yaml`);
const plan = (name: string) => planFromBrief(readBriefFile(brief(name)), rubric);
const golden = (file: string) => readFileSync(join(ROOT, 'test', 'golden', 'design', file), 'utf8');
/** primitive id -> phase, or "deferred". */
const placement = (p: Plan) => Object.fromEntries([...p.primitives.map((x) => [x.id, x.phase]), ...p.deferred.map((d) => [d.id, 'deferred'])]);
/** Audits a fixture into a JSON report in a temp folder; returns its path. */
const auditReport = (name: string) => {
  const report = join(tmp('plumbline-audit-'), 'report.json');
  expect(cli(['evaluate', fixture(name), '-f', 'json', '-o', report, '-q']).code).toBe(0);
  return report;
};
const mentionsSandbox = (p: Plan) => JSON.stringify([p.phases, p.subsystems, p.mvp]).toLowerCase().includes('sandbox');

describe('design: plans from briefs (golden files: npm run golden)', () => {
  const briefs = readdirSync(join(ROOT, 'fixtures', 'briefs')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  it('golden plans cover at least eight briefs, including the cases of issue 13', () => {
    expect(briefs.length).toBeGreaterThanOrEqual(8);
    expect(briefs).toEqual(expect.arrayContaining(['refund-support-chat', 'nightly-data-pipeline', 'research-assistant', 'coding-agent-cli', 'swarm-without-reason', 'two-tool-chat']));
  });
  for (const name of briefs) {
    it(`${name}: Markdown and JSON match the golden files`, async () => {
      const p = plan(name);
      expect(PlanSchema.parse(p)).toEqual(p);
      expect(await renderPlan(p, 'markdown')).toBe(golden(`${name}.md`));
      expect(await renderPlan(p, 'json')).toBe(golden(`${name}.json`));
    });
  }

  it('read-only research assistant: single agent, no permissions or sandbox phase, no swarm', () => {
    const p = plan('research-assistant');
    expect(p.shape).toMatchObject({ agents: 1 });
    expect(p.shape.recommended).toMatch(/^single agent/);
    expect(placement(p)).toEqual({
      'tool-registry': 'day-one', 'token-budget': 'day-one', 'streaming-events': 'day-one',
      'session-persistence': 'week-one', 'event-log': 'week-one', verification: 'week-one',
      permissions: 'deferred', 'permission-audit': 'deferred', 'workflow-state': 'deferred', 'tool-pool': 'deferred', 'agent-types': 'deferred', compaction: 'deferred',
    });
    expect(p.level!.id).toBe('lean');
    expect(mentionsSandbox(p)).toBe(false);
    expect(p.deferred.find((d) => d.id === 'permissions')!.revisitWhen).toMatch(/first action that mutates/);
  });

  it('coding agent CLI: permissions, a sandbox and self-verification on day one; compaction in week one', () => {
    const p = plan('coding-agent-cli');
    const pl = placement(p);
    expect(pl).toMatchObject({ permissions: 'day-one', verification: 'day-one', 'session-persistence': 'day-one', 'token-budget': 'day-one', compaction: 'week-one', 'agent-types': 'deferred' });
    expect(mentionsSandbox(p)).toBe(true);
    expect(p.subsystems.map((s) => s.name)).toContain('sandbox');
    expect(p.primitives.find((x) => x.id === 'token-budget')!.reason).toMatch(/\$5 per run/);
    expect(p.phases[0]!.acceptance.map((a) => a.name)).toContain('destructive tools require approval');
    expect(p.phases[0]!.tasks[0]!.sketch!.language).toBe('typescript');
  });

  it('payments support agent: permissions and the audit trail in phase 1, idempotent side effects', () => {
    const p = plan('payments-support-agent');
    expect(placement(p)).toMatchObject({ permissions: 'day-one', 'permission-audit': 'day-one', 'workflow-state': 'day-one', 'token-budget': 'day-one' });
    expect(p.phases[0]!.id).toBe('day-one');
    const accept = p.phases[0]!.acceptance.map((a) => a.name);
    expect(accept).toEqual(expect.arrayContaining(['"issue a refund" waits for a person\'s approval', 'every permission decision is recorded and queryable', '"issue a refund" is not repeated on retry', 'budget exhaustion stops before the call']));
    expect(p.primitives.find((x) => x.id === 'permission-audit')!.reason).toMatch(/PCI-DSS/);
    expect(p.regimes).toEqual([{ name: 'PCI-DSS', remark: expect.stringMatching(/card data/) }]);
    // "cancel"-like and refund actions are not shell or file actions: no sandbox, no shell criterion
    expect(mentionsSandbox(p)).toBe(false);
    expect(JSON.stringify(p)).not.toMatch(/shell/i);
  });

  it('nightly headless orchestrator: durable state and the event log on day one, no streaming on day one', () => {
    const p = plan('nightly-orchestrator');
    expect(placement(p)).toMatchObject({ 'session-persistence': 'day-one', 'workflow-state': 'day-one', 'event-log': 'day-one', 'streaming-events': 'deferred', 'agent-types': 'deferred' });
    expect(p.shape.recommended).toMatch(/deterministic workflow/);
    expect(p.phases[0]!.tasks[0]!.sketch!.language).toBe('python');
  });

  it('swarm without a reason: a single-agent plan with the swarm and the marketplace declined; brief text is escaped', async () => {
    const p = plan('swarm-without-reason');
    expect(p.shape.agents).toBe(1);
    expect(placement(p)['agent-types']).toBe('deferred');
    expect(p.declined.map((d) => d.asked)).toEqual(['a swarm of specialised agents that debate each answer', 'a plugin marketplace for community tools', '<script>alert(1)</script> dashboard']);
    expect(p.declined[0]!.decision).toMatch(/one agent/);
    const md = await renderPlan(p, 'markdown');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(p.phases[0]!.tasks[0]!.sketch!.language).toBe('go');
  });

  it('refund chat (issue 13): the $200 threshold is an auto-approve rule, idempotent refunds, GDPR remarks only, no sandbox or shell', () => {
    const p = plan('refund-support-chat');
    const refund = p.gates!.actions.find((g) => g.action === 'refund an order')!;
    expect(refund).toMatchObject({ effect: 'pay', threshold: '200 USD', irreversible: true, sandboxed: false, decision: 'ask' });
    expect(refund.rule).toMatch(/^up to 200 USD runs without a person \(auto-approve rule\); above 200 USD it asks a person/);
    const names = p.phases.flatMap((ph) => ph.acceptance.map((a) => a.name));
    expect(names).toEqual(expect.arrayContaining(['"refund an order" up to 200 USD runs without a person', '"refund an order" above 200 USD waits for approval', '"refund an order" is not repeated on retry']));
    expect(names).not.toContain('destructive tools require approval');
    // the ladder's entry condition mentions sandboxes in general; the advice itself must not
    const text = JSON.stringify({ ...p, level: undefined }).replace(/"sandboxed":false/g, '');
    expect(text).not.toMatch(/sandbox|shell|always ask/i);
    expect(text).not.toMatch(/PCI|money moves under/i);
    expect(p.regimes!.map((r) => r.name)).toEqual(['GDPR']);
    expect(p.regimes![0]!.remark).toMatch(/personal data/);
    expect(p.level!.id).toBe('durable');
    expect(placement(p)).toMatchObject({ permissions: 'day-one', 'workflow-state': 'day-one', 'permission-audit': 'day-one', 'tool-pool': 'deferred', 'agent-types': 'deferred', compaction: 'deferred' });
  });

  it('nightly data pipeline (issue 13): unattended, so deny by default, a pending-approval queue with expiry, a per-run budget and a stop reason; never "ask a person"', () => {
    const p = plan('nightly-data-pipeline');
    const text = JSON.stringify(p);
    expect(text).not.toMatch(/always ask|asks a person|ask a person/i);
    for (const g of p.gates!.actions.filter((a) => a.effect === 'destroy' || a.effect === 'send')) {
      expect(g.decision).toBe('queue');
      expect(g.rule).toMatch(/denied and queued for approval \(expires before the next scheduled run\)/);
    }
    expect(p.gates!.approval).toMatch(/denied by default.*pending-approval queue.*expires/);
    expect(p.gates!.approval).toMatch(/per-run budget of \$2/);
    expect(p.gates!.approval).toMatch(/stop reason: completed, awaiting_approval, budget_exceeded or failed/);
    const day1 = p.phases[0]!;
    expect(day1.tasks.some((t) => /denied by default and queued/.test(t.task) && t.sketch?.code.includes('PendingApproval'))).toBe(true);
    expect(day1.acceptance.map((a) => a.name)).toEqual(expect.arrayContaining(['an unattended run queues "drop stale partitions" instead of waiting', 'a pending approval expires unused', 'an unattended run stops at its budget with a stop reason']));
    expect(p.primitives.length).toBeLessThan(12);
    expect(placement(p)).toMatchObject({ 'streaming-events': 'deferred', 'agent-types': 'deferred', 'tool-pool': 'deferred' });
    expect(mentionsSandbox(p)).toBe(false);
  });

  it('two-tool chat brief stays lean: no gates, no durable, extensible or multi-agent primitives', () => {
    const p = plan('two-tool-chat');
    expect(p.level!.id).toBe('lean');
    expect(p.primitives.map((x) => x.id).sort()).toEqual(['event-log', 'session-persistence', 'streaming-events', 'token-budget', 'tool-registry', 'verification']);
    expect(p.deferred.map((d) => d.id).sort()).toEqual(['agent-types', 'compaction', 'permission-audit', 'permissions', 'tool-pool', 'workflow-state']);
  });

  it('every excluded primitive is declined with a condition, and a primitive above the level names the level entry', async () => {
    for (const name of ['two-tool-chat', 'refund-support-chat', 'coding-agent-cli']) {
      const p = plan(name);
      expect(p.primitives.length + p.deferred.length).toBe(rubric.primitives.length);
      const md = await renderPlan(p, 'markdown');
      for (const d of p.deferred) expect(md).toContain(`(\`${d.id}\`)`);
      expect(md).toMatch(/## Declined complexity/);
      expect(md).toMatch(/## Complexity level\n\n\*\*(lean|durable|extensible|multi-agent)\*\*/);
    }
    const lean = plan('two-tool-chat');
    expect(lean.deferred.find((d) => d.id === 'workflow-state')!.revisitWhen).toMatch(/cannot be undone/);
  });

  it('coding agent with a reason for roles climbs to multi-agent and plans all twelve; the sandbox covers shell, file and code execution', () => {
    const p = plan('coding-agent-with-roles');
    expect(p.level!.id).toBe('multi-agent');
    expect(p.primitives).toHaveLength(12);
    expect(p.subsystems.find((s) => s.name === 'sandbox')!.owns).toMatch(/file, code-execution and shell tools|shell/);
    expect(p.gates!.actions.find((g) => g.action === 'run shell commands')).toMatchObject({ sandboxed: true, irreversible: false });
    expect(p.regimes!.map((r) => r.name)).toEqual(['SOC2']);
  });

  it('a swarm with a reason gets typed roles in month one, still one agent in the MVP', () => {
    const b = readBriefFile(brief('swarm-without-reason'));
    b.multiAgent = { wanted: true, reason: 'review answers need a separate verifier with read-only tools' };
    const p = planFromBrief(b, rubric);
    expect(placement(p)['agent-types']).toBe('month-one');
    expect(p.shape.agents).toBe(2);
    expect(p.mvp.includes[0]).toMatch(/^one agent/);
    expect(p.declined.map((d) => d.asked)).toEqual(['a plugin marketplace for community tools', '<script>alert(1)</script> dashboard']);
  });
});

describe('design CLI', () => {
  it('renders a plan from a brief file, from flags, and refuses invalid briefs with one line per field', () => {
    const r = cli(['design', '--brief', brief('payments-support-agent')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden('payments-support-agent.md'));
    const flags = cli(['design', '--no-input', '--name', 'Tiny', '--shape', 'chat-assistant', '--action', 'look up docs:read-only', '--users', 'team', '--runs', 'interactive', '--stack', 'typescript', '-f', 'json']);
    expect(flags.code).toBe(0);
    expect(JSON.parse(flags.stdout).shape.agents).toBe(1);
    const dir = tmp('plumbline-brief-');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: X\nshape: spaceship\nactions: []\nusers: team\nruns: [interactive]\nstack: typescript\n');
    const e = cli(['design', '--brief', bad, '--no-input']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/bad\.yaml: shape: /);
    expect(e.stderr).toMatch(/bad\.yaml: actions: /);
    expect(e.stderr).not.toMatch(/\n\s+at /);
    const missing = cli(['design', '--no-input', '--name', 'X']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/brief: shape/);
    const badAction = cli(['design', '--no-input', '--action', 'pay:risky']);
    expect(badAction.code).toBe(2);
    expect(badAction.stderr).toMatch(/--action "pay:risky"/);
  });

  it('--from-audit plans the upgrade of a fixture from its JSON report, phases in rubric order', () => {
    const report = auditReport('ts-minimal-chat');
    const md = cli(['design', '--from-audit', report]);
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(golden('from-audit-ts-minimal-chat.md'));
    const json = JSON.parse(cli(['design', '--from-audit', report, '-f', 'json']).stdout) as Plan;
    expect(json.source).toBe('audit');
    const order = rubric.phases.map((p) => p.id);
    const ids = json.phases.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(ids[0]).toBe('safety');
    expect(json.phases[0]!.tasks.map((t) => t.primitive)).toContain('permissions');
    writeFileSync(report, '{"schemaVersion": 1}');
    const notOurs = cli(['design', '--from-audit', report]);
    expect(notOurs.code).toBe(2);
    expect(notOurs.stderr).toMatch(/report\.json: not a plumbline JSON report/);
    writeFileSync(report, '{"schemaVersion": 1, "tool": {"name": "plumbline", "version": "0.1.0"}}');
    const bad = cli(['design', '--from-audit', report]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/report\.json: rubric/);
  });

  it('--from-audit of a two-tool chat stays lean: seven gaps, the rest declined with the level that brings them back', () => {
    const report = auditReport('ts-minimal-chat');
    const p = JSON.parse(cli(['design', '--from-audit', report, '-f', 'json']).stdout) as Plan;
    expect(p.level!.id).toBe('lean');
    const lean = ['tool-registry', 'permissions', 'session-persistence', 'token-budget', 'streaming-events', 'event-log', 'verification'];
    expect(p.primitives.length).toBeGreaterThan(0);
    for (const x of p.primitives) expect(lean).toContain(x.id);
    expect(p.deferred.map((d) => d.id).sort()).toEqual(['agent-types', 'compaction', 'permission-audit', 'tool-pool', 'workflow-state']);
    expect(p.deferred.find((d) => d.id === 'agent-types')!.revisitWhen).toMatch(/reason why one agent is not enough/);
    expect(JSON.stringify(p.phases)).not.toMatch(/shell/);
  });

  it('--from-audit of a repository that is not an agent harness: one line, exit 0; --first-harness plans a lean first harness', () => {
    const report = auditReport('ts-webapp-not-agent');
    const r = cli(['design', '--from-audit', report]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ts-webapp-not-agent is not an agent harness: there is no harness to upgrade (pass --first-harness to plan a first one, or --brief to design one).\n');
    expect(r.stdout.split('\n')).toHaveLength(2);
    const first = cli(['design', '--from-audit', report, '--first-harness', '-f', 'json']);
    expect(first.code).toBe(0);
    const p = JSON.parse(first.stdout) as Plan;
    expect(p.level!.id).toBe('lean');
    expect(p.summary).toMatch(/first harness for ts-webapp-not-agent/);
    expect(placement(p)).toMatchObject({ permissions: 'deferred', 'agent-types': 'deferred', 'tool-registry': 'day-one' });
    expect(cli(['design', '--first-harness', '--brief', brief('two-tool-chat')]).code).toBe(2);
  });

  it('--action takes name:effect[:threshold], and the brief refuses a threshold on a read', () => {
    const r = cli(['design', '--no-input', '--name', 'Shop', '--shape', 'chat-assistant', '--action', 'look up an order:read', 'refund an order:pay:$50', '--users', 'public', '--runs', 'interactive', '--stack', 'typescript', '-f', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Plan).gates!.actions[1]).toMatchObject({ effect: 'pay', threshold: '50 USD' });
    const dir = tmp('plumbline-brief-');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: X\nshape: chat-assistant\nactions: [{ name: look, effect: read, threshold: "5 USD" }, { name: pay }]\nusers: team\nruns: [interactive]\nstack: typescript\n');
    const e = cli(['design', '--brief', bad, '--no-input']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/bad\.yaml: actions\.0\.threshold: a read action needs no threshold/);
    expect(e.stderr).toMatch(/bad\.yaml: actions\.1\.effect: give the action an effect/);
  });

  it('--brief-text --dry-run shows the structuring request and sends nothing', () => {
    const r = cli(['design', '--brief-text', 'A support bot that refunds orders; key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789', '--judge', 'anthropic', '--dry-run', '--no-audit-log'], { ANTHROPIC_API_KEY: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing was sent/);
    expect(r.stdout).toContain('submit_brief');
    expect(r.stdout).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  });
});

describe('design --brief-text with the judge machinery (loopback Messages API)', () => {
  it('structures a free-text brief through submit_brief, redacts secrets, audits the call, then plans', async () => {
    const { startMessagesServer, toolUseReply } = await import('./messages-server.js');
    const { cliAsync } = await import('./helpers.js');
    const brief = readBriefFile(join(ROOT, 'fixtures', 'briefs', 'payments-support-agent.yaml'));
    const server = await startMessagesServer(() => toolUseReply(brief));
    try {
      const cache = tmp('plumbline-brief-cache-');
      const text = 'A public support bot that looks up orders, refunds payments and emails customers. Our key is sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789.';
      const args = ['design', '--brief-text', text, '--judge', 'anthropic', '--base-url', server.url, '--yes', '-f', 'json'];
      const r = await cliAsync(args, { ANTHROPIC_API_KEY: 'sk-ant-test', PLUMBLINE_CACHE_DIR: cache });
      expect(r.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.raw).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
      expect(server.requests[0]!.body.tools[0]).toMatchObject({ name: 'submit_brief' });
      expect(r.stderr).toMatch(/structured brief:\nname: RefundDesk/);
      const plan = JSON.parse(r.stdout) as Plan;
      expect(plan.name).toBe('RefundDesk');
      expect(placement(plan)['permission-audit']).toBe('day-one');
      const audit = readFileSync(join(cache, 'audit', 'judge.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(audit[0]).toMatchObject({ primitive: '(brief)', outcome: 'ok', redactions: 1 });
      // the same text again is answered from the cache: nothing sent
      const again = await cliAsync(args, { ANTHROPIC_API_KEY: 'sk-ant-test', PLUMBLINE_CACHE_DIR: cache });
      expect(again.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      // without --yes and without a TTY the structured brief must be confirmed another way
      const noYes = await cliAsync(args.filter((a) => a !== '--yes'), { ANTHROPIC_API_KEY: 'sk-ant-test', PLUMBLINE_CACHE_DIR: cache });
      expect(noYes.code).toBe(2);
      expect(noYes.stderr).toMatch(/confirm the structured brief/);
    } finally {
      await server.close();
    }
  });
});

describe('design data', () => {
  it('the complexity ladder puts every rubric primitive on exactly one level, and a bad ladder fails with one line per problem', async () => {
    const { loadLadder, climb } = await import('../src/design/ladder.js');
    const ladder = loadLadder();
    expect(ladder.levels.map((l) => l.id)).toEqual(['lean', 'durable', 'extensible', 'multi-agent']);
    expect(ladder.levels.flatMap((l) => l.primitives).sort()).toEqual(rubric.primitives.map((p) => p.id).sort());
    expect(climb(ladder, new Set()).level.id).toBe('lean');
    expect(climb(ladder, new Set(['irreversible'])).level.id).toBe('durable');
    expect(climb(ladder, new Set(['irreversible', 'multi-agent']))).toMatchObject({ index: 3, because: ['irreversible', 'multi-agent'] });
    const bad = join(tmp('plumbline-ladder-'), 'ladder.yaml');
    writeFileSync(bad, 'levels:\n  - { id: lean, title: lean, entry: x, when: [sometimes], primitives: [a] }\n  - { id: durable, title: d, entry: y, when: [unattended], primitives: [a] }\nregimes: {}\n');
    expect(() => loadLadder(bad)).toThrow(/ladder\.yaml: levels\.0\.when\.0: Invalid option.*\n.*ladder\.yaml: regimes: needs a "default" regime$/);
    writeFileSync(bad, 'levels:\n  - { id: lean, title: lean, entry: x, when: [always], primitives: [a] }\n  - { id: durable, title: d, entry: y, when: [unattended], primitives: [a] }\nregimes: { default: { remark: r } }\n');
    expect(() => loadLadder(bad)).toThrow(/ladder\.yaml: levels\.1\.primitives\.0: "a" is already on level lean$/);
  });

  it('every stack has an interface sketch for every rubric primitive', async () => {
    const { parse } = await import('yaml');
    const sketches = parse(readFileSync(join(ROOT, 'templates', 'design', 'sketches.yaml'), 'utf8')) as Record<string, Record<string, string>>;
    for (const stack of ['typescript', 'python', 'go', 'rust']) {
      for (const p of rubric.primitives) expect(sketches[stack]?.[p.id], `${stack}/${p.id}`).toMatch(/\S/);
    }
  });
});
