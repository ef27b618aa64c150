import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Rubric, Primitive } from '../rubric/schema.js';
import type { Report } from '../report/schema.js';
import { BriefSchema, type Brief } from './brief.js';
import { approvalPath, gateCriteria, gatesOf, idempotencyCriterion, runContext, type ActionGate, type Criterion, type RunContext } from './gates.js';
import { climb, levelOfPrimitive, loadLadder, regimeRemark, type Ladder, type LadderCondition } from './ladder.js';
import type { Plan, PlanPhaseId } from './plan.js';

/** Path of the per-stack interface sketches (data). */
export const SKETCHES_PATH = fileURLToPath(new URL('../../templates/design/sketches.yaml', import.meta.url));

type Sketches = Record<string, Record<string, string>>;
let sketchCache: Sketches | undefined;
function sketches(): Sketches {
  sketchCache ??= parseYaml(readFileSync(SKETCHES_PATH, 'utf8')) as Sketches;
  return sketchCache;
}

const PHASES: Array<{ id: PlanPhaseId; title: string; goal: string }> = [
  { id: 'day-one', title: 'Day one: the smallest safe loop', goal: 'One agent, its tools as data, and every guardrail the actions need before the first real user.' },
  { id: 'week-one', title: 'Week one: durable and observable', goal: 'Runs survive restarts, can be followed and reconstructed, and the guardrails are pinned by tests.' },
  { id: 'month-one', title: 'Month one: grow without rewiring', goal: 'Scale the tool set and the context the brief needs, without changing the loop.' },
];

/** Facts derived from a brief that the rules read. */
interface Traits {
  gates: ActionGate[];
  ctx: RunContext;
  /** Actions that change the world (every effect but read). */
  acting: ActionGate[];
  /** Actions whose gate needs a person or the queue. */
  gated: ActionGate[];
  irreversible: ActionGate[];
  sandbox: boolean;
  shell: boolean;
  pays: boolean;
  longRunning: boolean;
  code: boolean;
  multiJustified: boolean;
  regimes: Array<{ name: string; remark: string; primitives: string[] }>;
  conditions: Set<LadderCondition>;
}

const list = (gs: ActionGate[], max = 3) => {
  const names = gs.map((g) => `"${g.action}"`);
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
};

function traitsOf(b: Brief, ladder: Ladder): Traits {
  const gates = gatesOf(b);
  const ctx = runContext(b);
  const named = new Map<string, string>();
  for (const r of [...b.regimes, ...b.constraints.compliance]) if (!named.has(r.trim().toLowerCase())) named.set(r.trim().toLowerCase(), r);
  const regimes = [...named.values()].map((r) => regimeRemark(ladder, r));
  const t: Traits = {
    gates,
    ctx,
    acting: gates.filter((g) => g.effect !== 'read'),
    gated: gates.filter((g) => g.decision !== 'allow'),
    irreversible: gates.filter((g) => g.irreversible),
    sandbox: gates.some((g) => g.sandboxed),
    shell: gates.some((g) => g.kind === 'shell' && g.effect !== 'read'),
    pays: gates.some((g) => g.effect === 'pay'),
    longRunning: b.runs.includes('long-running'),
    code: b.shape === 'code-agent',
    multiJustified: b.multiAgent.wanted && (b.multiAgent.reason ?? '').trim().length >= 20,
    regimes,
    conditions: new Set(),
  };
  const c = t.conditions;
  if (ctx.unattended) c.add('unattended');
  if (t.longRunning) c.add('long-running');
  if (b.shape === 'workflow-orchestrator' || b.runs.includes('scheduled')) c.add('workflow');
  if (t.irreversible.length) c.add('irreversible');
  if (regimes.some((r) => r.primitives.some((id) => ladder.levels.indexOf(levelOfPrimitive(ladder, id)) > 0))) c.add('regime');
  if (b.actions.length >= 8) c.add('many-tools');
  if (t.multiJustified) c.add('multi-agent');
  return t;
}

type Placement = { phase: PlanPhaseId; reason: string } | { deferred: string; revisitWhen: string };

const DOES: Record<string, string> = { mutate: 'changes data', destroy: 'destroys data', pay: 'moves money', send: 'leaves the system', deploy: 'deploys' };

/** The placement rules: one function per primitive id of PRIMITIVES.md, reading the brief's actions. */
const RULES: Record<string, (b: Brief, t: Traits) => Placement> = {
  'tool-registry': (b) => ({ phase: 'day-one', reason: `${b.actions.length} action(s) become tools with a schema and a declared effect; the registry is where each tool's gate is looked up.` }),
  permissions: (_b, t) => {
    if (!t.acting.length) return { deferred: 'every action only reads: there is nothing to gate yet', revisitWhen: 'the first action that mutates, destroys, pays, sends or deploys is added' };
    const shown = t.acting.slice(0, 3).map((g) => `"${g.action}" ${DOES[g.effect]}: ${g.rule}`);
    const more = t.acting.length > 3 ? `; ${t.acting.length - 3} more under Action gates` : '';
    return { phase: 'day-one', reason: `no call runs without a decision from its effect. ${shown.join('; ')}${more}.` };
  },
  'permission-audit': (b, t) =>
    t.pays && t.gated.length
      ? { phase: 'day-one', reason: `${list(t.gates.filter((g) => g.effect === 'pay'))} moves money: every decision on it is recorded with the rule or the person that allowed it, and can be queried.` }
      : t.ctx.unattended && t.gated.length
        ? { phase: 'week-one', reason: 'pending approvals outlive the run that asked for them: after the queue itself (day one), each expiry and each decision become permission state that can be queried.' }
        : b.users === 'enterprise' && t.gated.length
          ? { phase: 'week-one', reason: 'enterprise users need an answer to "who allowed this?" after the fact.' }
          : { deferred: t.gated.length ? 'the event log answers "who allowed this?" for a single approval context' : 'no action waits for an approval, so there is no decision state to keep', revisitWhen: 'a regime applies, money moves, approvals must outlive a run, or several approval contexts appear' },
  'session-persistence': (b, t) =>
    t.ctx.unattended
      ? { phase: 'day-one', reason: `nobody watches a ${b.schedule || b.runs.includes('scheduled') ? 'scheduled' : 'headless'} run: a crash must not lose it, and the next start resumes it instead of starting over.` }
      : t.longRunning
        ? { phase: 'day-one', reason: 'long-running sessions must survive a crash or a closed terminal.' }
        : b.shape === 'embedded-feature'
          ? { deferred: 'a few turns inside the product leave nothing worth resuming', revisitWhen: 'runs span more than a few turns, or users come back to a conversation' }
          : { phase: 'week-one', reason: 'conversations should survive a restart or a deploy.' },
  'workflow-state': (b, t) =>
    t.irreversible.length
      ? { phase: 'day-one', reason: `${list(t.irreversible)} cannot be undone: each call is a step with an idempotency key, so a retried or resumed run never repeats it.` }
      : t.ctx.unattended || b.shape === 'workflow-orchestrator'
        ? { phase: 'day-one', reason: 'multi-step work runs unattended: each step needs an explicit state so a restart continues instead of starting over.' }
        : t.code
          ? { phase: 'month-one', reason: 'longer coding tasks benefit from an explicit plan with step states.' }
          : t.longRunning
            ? { phase: 'week-one', reason: 'long-running tasks need step states to resume safely.' }
            : { deferred: 'single-turn tasks have no steps to track, and no action needs an idempotency key', revisitWhen: 'tasks span several steps that must survive a restart, or an action cannot be undone' },
  'token-budget': (b, t) => ({
    phase: 'day-one',
    reason: t.ctx.unattended
      ? `each unattended run gets ${b.constraints.costCeilingUsd !== undefined ? `a budget of $${b.constraints.costCeilingUsd}` : 'a budget in tokens and USD'}, checked before every model call, and ends with a stop reason (completed, awaiting_approval, budget_exceeded, failed).`
      : b.constraints.costCeilingUsd !== undefined
        ? `the brief caps cost at $${b.constraints.costCeilingUsd} per run: check the budget before every model call and stop gracefully.`
        : `${b.users === 'public' ? 'public users can drive cost' : 'every loop can run away'}: cap tokens and cost per run and stop gracefully.`,
  }),
  'streaming-events': (_b, t) =>
    t.ctx.attended
      ? { phase: 'day-one', reason: 'people watch the agent work: progress, tool calls and errors stream as typed events.' }
      : { deferred: 'nobody follows an unattended run live: the event log and the stop reason cover it', revisitWhen: 'a person or a dashboard follows runs live' },
  'event-log': (_b, t) =>
    t.ctx.unattended
      ? { phase: 'day-one', reason: 'nobody watches an unattended run: an append-only event log is the only way to reconstruct it.' }
      : { phase: 'week-one', reason: 'an append-only event log lets you reconstruct any run after the fact.' },
  verification: (b, t) =>
    t.code
      ? { phase: 'day-one', reason: 'the agent changes code: it runs the tests before it reports done, and harness tests pin the guardrails.' }
      : { phase: 'week-one', reason: `a few replayable evaluation prompts (such as one that makes the agent ${b.actions[0]!.name}) catch regressions${t.acting.length ? ', and guardrail tests pin the gates so a refactor cannot silently remove one' : ''}.` },
  compaction: (_b, t) =>
    t.longRunning || t.code
      ? { phase: 'week-one', reason: `${t.code ? 'coding sessions' : 'long-running sessions'} outgrow the context window.` }
      : { deferred: 'runs and conversations stay well below the context window', revisitWhen: 'transcripts reach about half of the context window' },
  'tool-pool': (b, t) =>
    b.actions.length >= 8 || t.multiJustified
      ? { phase: 'month-one', reason: `${b.actions.length >= 8 ? `${b.actions.length} tools` : 'different roles'} need the tool set assembled per session (read-only mode offers no mutating tools).` }
      : { deferred: `${b.actions.length} tool(s) fit one fixed list`, revisitWhen: 'the tool set passes about 8 tools, or users or modes need different tool sets' },
  'agent-types': (b, t) =>
    t.multiJustified
      ? { phase: 'month-one', reason: `the brief gives a reason for several agents (${b.multiAgent.reason!.trim()}): add typed roles with their own prompts and tool sets after the single-agent loop is solid.` }
      : { deferred: b.multiAgent.wanted ? 'several agents were asked for without a reason; one agent covers the brief' : 'one agent covers the brief', revisitWhen: 'a measured need appears: tasks that exceed one context window, or roles that need different tool permissions' },
};

/** Why the plan stops at its level, in the brief's words. */
function levelWhy(b: Brief, t: Traits, because: LadderCondition[], top: boolean): string {
  const words: Record<LadderCondition, string> = {
    always: '',
    unattended: 'runs are unattended',
    'long-running': 'runs are long-running',
    workflow: 'the work is a multi-step workflow',
    irreversible: `${list(t.irreversible)} cannot be undone`,
    regime: `${t.regimes.map((r) => r.name).join(', ')} need${t.regimes.length === 1 ? 's' : ''} a decision trail`,
    'many-tools': `${b.actions.length} tools`,
    'multi-agent': 'the brief gives a reason for several agents',
  };
  if (!because.length) return `nothing in the brief needs more: ${[t.ctx.unattended ? '' : 'a person watches every run', t.irreversible.length ? '' : 'no action that cannot be undone', b.actions.length >= 8 ? '' : 'fewer than 8 tools', 'one agent'].filter(Boolean).join(', ')}.`;
  return `${because.map((c) => words[c]).join('; ')}${top ? '' : '; nothing asks for the next level'}.`;
}

/** Acceptance criteria of an included primitive for this brief (issue 13: fitted to its actions). */
function criteriaFor(p: Primitive, b: Brief, t: Traits): Criterion[] {
  const rubric = { ...p.acceptance };
  switch (p.id) {
    case 'permissions': {
      const own = gateCriteria(b, t.gates, { fallback: !t.shell });
      return t.shell ? [rubric, ...own] : own.length ? own : [rubric];
    }
    case 'session-persistence':
      return t.ctx.unattended && !t.ctx.attended
        ? [{ name: 'a killed run resumes where it stopped', given: 'an unattended run killed after its second step', then: 'the next start reloads the run from disk, continues with the third step and repeats no completed step' }]
        : [rubric];
    case 'workflow-state':
      return [idempotencyCriterion(t.gates) ?? rubric];
    case 'token-budget':
      return t.ctx.unattended
        ? [{ name: 'an unattended run stops at its budget with a stop reason', given: `an unattended run with ${b.constraints.costCeilingUsd !== undefined ? `a $${b.constraints.costCeilingUsd}` : 'a'} per-run budget and a model that keeps calling tools`, then: 'the run stops before the model call that would cross the budget, its record ends with stop reason "budget_exceeded", and the next run starts with a fresh budget' }]
        : [rubric];
    case 'verification': {
      if (t.code) return [rubric];
      const replay = { name: 'replayed evaluation prompts keep their tool calls', given: `a few recorded prompts, each with the tool calls and gate decisions it should produce (one makes the agent ${b.actions[0]!.name})`, then: 'replaying them against the harness with a stubbed model yields the same tool calls and decisions' };
      const gate = t.gated[0] ?? t.acting[0];
      return gate ? [replay, { name: 'guardrail tests fail when a gate is removed', given: `the harness test suite and a patch that removes the permission check in front of "${gate.action}"`, then: 'at least one guardrail test fails' }] : [replay];
    }
    case 'permission-audit': {
      const ctxs = [
        t.ctx.attended && t.gated.length ? 'an approval by a person in a session' : '',
        t.gates.some((g) => g.threshold) ? `an auto-approval under the ${t.gates.find((g) => g.threshold)!.threshold!.text} threshold` : '',
        t.ctx.unattended && t.gated.length ? 'a denial queued by an unattended run and an approval that expired' : '',
      ].filter(Boolean);
      return ctxs.length ? [{ name: rubric.name, given: ctxs.join(', '), then: 'the permission store returns each decision with the rule or the person behind it, its context and its time' }] : [rubric];
    }
    default:
      return [rubric];
  }
}

/** Task text of an included primitive: the rubric's fix, fitted to the brief where the fix is generic. */
function taskFor(p: Primitive, b: Brief, t: Traits): Plan['phases'][number]['tasks'][number] {
  const base = task(p, b.stack);
  if (p.id === 'permissions' && !t.shell) {
    return { ...base, task: `Put a permission check in front of every tool call: it reads the tool's declared effect and applies the rules under Action gates${t.gates.some((g) => g.threshold) ? ' (thresholds become auto-approve rules)' : ''}; a tool with no declared effect is denied, and every decision is recorded.` };
  }
  if (p.id === 'verification' && !t.code) {
    return { ...base, sketch: sketchFor('verification-replay', b.stack) ?? base.sketch, task: 'Keep a few evaluation prompts with the tool calls and decisions they should produce, replay them with a stubbed model in CI, and add harness tests that pin every gate and the budget stop.' };
  }
  if (p.id === 'permission-audit') {
    return { ...base, task: 'Keep permission state in a store (grants, denials, auto-approvals with their rule, pending approvals with expiry) that records every decision with its context, and answer "who or what allowed this call?" from it.' };
  }
  return base;
}

const DECLINE: Array<{ test: RegExp; decision: string; condition: string }> = [
  { test: /swarm|multi[- ]?agent|sub-?agents?|agent team|crew/i, decision: 'declined: one agent until a need is measured', condition: 'tasks exceed one context window after compaction, or roles need different tool permissions; then add typed roles, not a swarm' },
  { test: /marketplace|plug-?ins?|extension store/i, decision: 'declined: no plug-in marketplace before sessions survive crashes', condition: 'sessions resume after a crash, the permission audit trail is in place, and third parties ask to add tools' },
  { test: /vector|rag\b|embedding|long[- ]term memory|knowledge graph/i, decision: 'declined for now: the transcript and compaction come first', condition: 'compacted transcripts still lose facts the agent needs, measured on real sessions' },
  { test: /fine[- ]?tun|train(ing)? (a|our) model|custom model/i, decision: 'declined: prompts, tools and evals first', condition: 'an eval set shows the target cannot be reached with prompts and tools' },
  { test: /kubernetes|k8s|microservice|distributed|queue cluster/i, decision: 'declined: one process first', condition: 'measured load exceeds what one process can serve' },
  { test: /self[- ]?improv|auto[- ]?generat\w* tools|agents? that write (their own )?tools/i, decision: 'declined: tools stay reviewed code', condition: 'the permission gate and audit trail cover generated tools, and a person reviews each one' },
];

/** The interface sketch for a primitive (or another key such as `approval-queue`) in the brief's stack. */
function sketchFor(key: string, stack: Brief['stack'] | undefined): { language: string; code: string } | null {
  const table = sketches();
  const lang = stack && table[stack] ? stack : 'typescript';
  const code = table[lang]?.[key];
  return code ? { language: lang, code: code.trimEnd() } : null;
}

function task(p: Primitive, stack: Brief['stack'] | undefined): Plan['phases'][number]['tasks'][number] {
  const table = sketches();
  const note = stack && !table[stack] ? ` (sketch in TypeScript; write the same interface in ${stack})` : '';
  return { primitive: p.id, task: p.fix.trim() + note, sketch: sketchFor(p.id, stack) };
}

/** Gives criteria with the same name a numbered suffix, so one test per criterion has a unique name. */
function uniqueNames(phases: Plan['phases']): Plan['phases'] {
  const seen = new Map<string, number>();
  return phases.map((ph) => ({
    ...ph,
    acceptance: ph.acceptance.map((a) => {
      const n = (seen.get(a.name) ?? 0) + 1;
      seen.set(a.name, n);
      return n === 1 ? a : { ...a, name: `${a.name} (${n})` };
    }),
  }));
}

/** Declines the asks the rules recognise; other asks are "not a harness primitive". */
function declineAsks(asks: string[], multiJustified: boolean): Plan['declined'] {
  const declined: Plan['declined'] = [];
  const seen = new Set<string>();
  for (const a of asks) {
    const rule = DECLINE.find((d) => d.test.test(a));
    if (rule && rule === DECLINE[0] && multiJustified) continue; // justified: planned in month one
    const key = rule?.decision ?? a;
    if (seen.has(key)) continue;
    seen.add(key);
    declined.push(rule ? { asked: a, decision: rule.decision, condition: rule.condition } : { asked: a, decision: 'not in this plan: it is not a harness primitive', condition: 'the month-one acceptance criteria pass; decide then' });
  }
  return declined;
}

/**
 * Plans a harness from a brief (issues 4 and 13): deterministic rules over the brief's actions, the
 * rubric and the complexity ladder (templates/design/ladder.yaml). Single agent unless the brief
 * gives a reason. The plan climbs the ladder only as far as the brief gives a reason for; every
 * rubric primitive is either placed in a phase with a reason tied to the brief, or declined with
 * the condition that brings it back. Each action gets a gate from its effect (thresholds become
 * auto-approve rules; unattended runs deny and queue), sandboxes appear only for shell, file and
 * code-execution actions, and regulatory remarks only for regimes the brief names.
 * @throws ConfigError when the ladder data is invalid
 */
export function planFromBrief(brief: Brief, rubric: Rubric): Plan {
  const ladder = loadLadder();
  const t = traitsOf(brief, ladder);
  const climbed = climb(ladder, t.conditions);
  const top = climbed.index === ladder.levels.length - 1;
  const regimePrims = new Map<string, string[]>();
  for (const r of t.regimes) for (const id of r.primitives) regimePrims.set(id, [...(regimePrims.get(id) ?? []), r.name]);
  const placed: Plan['primitives'] = [];
  const deferred: Plan['deferred'] = [];
  for (const p of rubric.primitives) {
    const rule = RULES[p.id];
    let pl: Placement = rule ? rule(brief, t) : { phase: 'month-one', reason: p.why.trim() };
    const lvl = levelOfPrimitive(ladder, p.id);
    const regimes = regimePrims.get(p.id);
    if (regimes) {
      const names = regimes.join(', ');
      pl = 'phase' in pl
        ? { phase: pl.phase, reason: `${pl.reason.replace(/\.$/, '')}; under ${names}, see Regulatory remarks.` }
        : { phase: 'week-one', reason: `${names} appl${regimes.length === 1 ? 'ies' : 'y'}: see Regulatory remarks.` };
    } else if (ladder.levels.indexOf(lvl) > climbed.index && 'phase' in pl) {
      pl = { deferred: `a primitive of the ${lvl.title} level, and this plan stays ${climbed.level.title}`, revisitWhen: lvl.entry };
    }
    if ('phase' in pl) placed.push({ id: p.id, title: p.title, phase: pl.phase, reason: pl.reason });
    else deferred.push({ id: p.id, title: p.title, why: pl.deferred, revisitWhen: pl.revisitWhen });
  }
  const sandboxKinds = [...new Set(t.gates.filter((g) => g.sandboxed).map((g) => g.kind))];
  const sandboxText = `${sandboxKinds.join(', ').replace(/, ([^,]*)$/, ' and $1')} tools`;
  const loopStyle: Record<Brief['shape'], string> = {
    'code-agent': t.sandbox ? 'a tool-use loop over a sandboxed workspace' : 'a tool-use loop over the repository',
    'chat-assistant': 'a conversational tool-use loop',
    'workflow-orchestrator': 'a deterministic workflow whose steps call the model; code owns the order',
    'internal-copilot': 'a tool-use loop acting with the user\'s own permissions',
    'embedded-feature': 'a bounded tool loop inside the product, a few turns at most',
    hybrid: 'one loop with explicit modes',
  };
  const shape = t.multiJustified
    ? { recommended: `single agent first (${loopStyle[brief.shape]}); typed sub-agents from month one`, agents: 2, why: `The brief gives a reason for more than one agent: ${brief.multiAgent.reason!.trim()}. The MVP still ships one agent; roles come once sessions, budgets and permissions hold.` }
    : { recommended: `single agent: ${loopStyle[brief.shape]}`, agents: 1, why: brief.multiAgent.wanted ? 'The brief asks for several agents without saying why one is not enough; one agent is easier to make safe, observe and maintain.' : `One agent covers the brief${brief.constraints.soloMaintenance ? ' and keeps it maintainable by one person' : ''}.` };

  const byId = new Map(rubric.primitives.map((p) => [p.id, p]));
  const queue = t.ctx.unattended && t.gated.length > 0;
  const phases: Plan['phases'] = PHASES.map((ph) => {
    const ids = placed.filter((x) => x.phase === ph.id).map((x) => x.id);
    const tasks = ids.map((id) => taskFor(byId.get(id)!, brief, t));
    const at = tasks.findIndex((x) => x.primitive === 'permissions');
    const extra: typeof tasks = [];
    if (at >= 0 && t.sandbox) extra.push({ primitive: 'permissions', task: `Run ${sandboxText} in a sandbox (a container or a throwaway worktree) with no network by default, with command and path checks in front, so a wrong call cannot reach beyond it.`, sketch: null });
    if (at >= 0 && queue) extra.push({ primitive: 'permissions', task: `Add the unattended approval path: a gated call is denied by default and queued (action, arguments, run id, idempotency key) with an expiry ${t.ctx.expiry}; the next run executes approved calls, and a run that cannot go on ends with stop reason "awaiting_approval".`, sketch: sketchFor('approval-queue', brief.stack) });
    if (extra.length) tasks.splice(at + 1, 0, ...extra);
    return { id: ph.id, title: ph.title, goal: ph.goal, tasks, acceptance: ids.flatMap((id) => criteriaFor(byId.get(id)!, brief, t)) };
  }).filter((ph) => ph.tasks.length);

  const subsystemDefs: Array<{ name: string; owns: string; primitives: string[] }> = [
    { name: 'agent loop', owns: 'model calls, turn control, budgets, events and context size', primitives: ['token-budget', 'streaming-events', 'compaction'] },
    { name: 'tools', owns: 'tool definitions as data and the per-session tool pool', primitives: ['tool-registry', 'tool-pool'] },
    { name: 'policy', owns: `allow/ask/deny decisions from each action's effect${queue ? ', the pending-approval queue' : ''} and the decision trail`, primitives: ['permissions', 'permission-audit'] },
    { name: 'state', owns: 'transcripts and step states on disk; resume and idempotency', primitives: ['session-persistence', 'workflow-state'] },
    { name: 'observability', owns: 'the append-only event log', primitives: ['event-log'] },
    { name: 'verification', owns: 'evaluation prompts, self-checks and the guardrail test suite', primitives: ['verification'] },
    { name: 'roles', owns: 'typed agent roles with their own prompts and tools', primitives: ['agent-types'] },
  ];
  const inPlan = new Set(placed.map((p) => p.id));
  const subsystems = subsystemDefs.map((s) => ({ ...s, primitives: s.primitives.filter((id) => inPlan.has(id)) })).filter((s) => s.primitives.length);
  if (t.sandbox && inPlan.has('permissions')) subsystems.push({ name: 'sandbox', owns: `where ${sandboxText} run; nothing outside it is reachable`, primitives: ['permissions'] });

  const asks = [...brief.asks];
  if (brief.multiAgent.wanted && !t.multiJustified) asks.push('several agents (multiAgent.wanted without a reason)');
  const declined = declineAsks(asks, t.multiJustified);

  const dayOne = placed.filter((p) => p.phase === 'day-one');
  return {
    schemaVersion: 1,
    kind: 'plumbline-design-plan',
    source: 'brief',
    name: brief.name,
    summary: brief.summary ?? `${brief.shape} for ${brief.users} users, running ${brief.runs.join(' and ')}, in ${brief.stack}.`,
    shape,
    primitives: placed,
    deferred,
    subsystems,
    mvp: {
      includes: [`one agent (${loopStyle[brief.shape]})`, ...dayOne.map((p) => p.title), ...(t.sandbox && inPlan.has('permissions') ? [`a sandbox for ${sandboxText}`] : []), ...(queue ? ['a pending-approval queue with expiry'] : [])],
      excludes: [...placed.filter((p) => p.phase !== 'day-one').map((p) => `${p.title} (${p.phase})`), ...deferred.map((d) => `${d.title} (declined)`), ...declined.map((d) => d.asked)],
    },
    phases: uniqueNames(phases),
    declined,
    level: { id: climbed.level.id, title: climbed.level.title, why: levelWhy(brief, t, climbed.because, top), entry: climbed.level.entry },
    gates: { approval: approvalPath(brief, t.gates), actions: t.gates.map((g) => ({ action: g.action, effect: g.effect, kind: g.kind, sandboxed: g.sandboxed, irreversible: g.irreversible, threshold: g.threshold?.text ?? null, decision: g.decision, rule: g.rule })) },
    regimes: t.regimes.map((r) => ({ name: r.name, remark: r.remark })),
  };
}

/** The permissions criterion for a harness without shell or file tools (the rubric's names a shell command). */
const ACTING_GATE: Criterion = {
  name: 'an acting tool runs only after the permission check',
  given: 'a model that requests a read-only tool and a tool declared as acting (it mutates, destroys, pays, sends or deploys)',
  then: 'the read-only tool runs, the acting tool runs only when the check allows it, and a denial goes back to the model as a tool error',
};

/** An upgrade task: the rubric's fix, without shell advice for a harness that has no shell or file tools. */
function auditTask(p: Primitive, shellTools: boolean): Plan['phases'][number]['tasks'][number] {
  const t = { ...task(p, undefined), sketch: null };
  if (p.id === 'permissions' && !shellTools) t.task = 'Add a permission check in front of tool execution: each tool declares its effect (read, mutate, destroy, pay, send, deploy), and the check returns allow, ask or deny from that effect and configurable allow/deny lists before the tool runs.';
  return t;
}

/** Ladder conditions an audit shows: its context flags, and the levels of primitives already built. */
function auditConditions(report: Report): Set<LadderCondition> {
  const c = new Set<LadderCondition>();
  const f = report.context.flags;
  if (f.includes('long-running')) c.add('long-running');
  if (f.includes('workflow')) c.add('workflow');
  if (f.includes('multi-agent')) c.add('multi-agent');
  return c;
}

/**
 * Plans the upgrade of an existing harness from its JSON audit report (`--from-audit`): its
 * gaps become the phases, in the rubric's order (safety, durability, evaluation,
 * observability, extensibility), each gap ordered by severity inside its phase. The plan climbs
 * the complexity ladder only as far as the audit shows a reason (its context flags, or primitives
 * already built at a higher level): a two-tool chat stays lean, and the gaps above its level are
 * listed as declined complexity. Call it only for an applicable report (see `planFirstHarness`).
 */
export function planFromAudit(report: Report, rubric: Rubric): Plan {
  const ladder = loadLadder();
  const climbed = climb(ladder, auditConditions(report));
  const builtLevel = Math.max(0, ...report.primitives.filter((p) => p.verdict === 'present').map((p) => ladder.levels.indexOf(levelOfPrimitive(ladder, p.id))));
  const index = Math.max(climbed.index, builtLevel);
  const level = ladder.levels[index]!;
  const inLevel = (id: string) => ladder.levels.indexOf(levelOfPrimitive(ladder, id)) <= index;
  const gaps = report.findings.filter((f) => inLevel(f.id));
  const above = report.findings.filter((f) => !inLevel(f.id));
  const byId = new Map(rubric.primitives.map((p) => [p.id, p]));
  const shellTools = report.context.flags.includes('coding-tools');
  const phases: Plan['phases'] = rubric.phases
    .map((ph) => {
      const ids = gaps.filter((f) => f.phase === ph.id).map((f) => f.id);
      return { id: ph.id, title: ph.title, goal: ph.goal, tasks: ids.map((id) => auditTask(byId.get(id)!, shellTools)), acceptance: ids.map((id) => (id === 'permissions' && !shellTools ? ACTING_GATE : { ...byId.get(id)!.acceptance })) };
    })
    .filter((ph) => ph.tasks.length);
  const present = report.primitives.filter((p) => p.verdict === 'present');
  const flagWords = climbed.because.length ? `the audit shows ${climbed.because.join(', ')}` : '';
  const builtWords = builtLevel > climbed.index ? `primitives of the ${level.title} level are already built` : '';
  const why = [flagWords, builtWords].filter(Boolean).join('; ') || 'the audit shows no unattended or long-running runs, no workflow and one agent';
  return {
    schemaVersion: 1,
    kind: 'plumbline-design-plan',
    source: 'audit',
    name: report.target.name,
    summary: `Upgrade plan from the audit of ${report.target.name} (score ${report.score}/100): ${gaps.length} gap(s) to close at the ${level.title} level, most severe first within each phase${above.length ? `; ${above.length} more declined as complexity this harness does not need yet` : ''}.`,
    shape: { recommended: `keep the current shape (${report.context.shape})`, agents: report.context.flags.includes('multi-agent') ? 2 : 1, why: report.context.summary },
    primitives: gaps.map((f) => ({ id: f.id, title: f.title, phase: f.phase, reason: `${f.severity}: ${f.message}` })),
    deferred: above.map((f) => {
      const lvl = levelOfPrimitive(ladder, f.id);
      return { id: f.id, title: f.title, why: `a primitive of the ${lvl.title} level, and this harness stays ${level.title}`, revisitWhen: lvl.entry };
    }),
    subsystems: [],
    mvp: { includes: present.map((p) => `${p.title} (already present)`), excludes: [] },
    phases: uniqueNames(phases),
    declined: [],
    level: { id: level.id, title: level.title, why: `${why}.`, entry: level.entry },
  };
}

/**
 * A first, lean harness for a repository that has no agent yet (`design --from-audit R
 * --first-harness`, issue 13 item 6): one agent with read-only tools over the application,
 * in the repository's main language; gates come when the first acting tool does.
 */
export function planFirstHarness(report: Report, rubric: Rubric): Plan {
  const langs = Object.entries(report.target.languages).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l);
  const lang = langs.find((l) => ['typescript', 'javascript', 'python', 'go', 'rust'].includes(l));
  const stack = (lang === 'javascript' ? 'typescript' : lang ?? 'typescript') as Brief['stack'];
  const brief = BriefSchema.parse({
    name: report.target.name,
    summary: `A first harness for ${report.target.name}, which has no agent yet: one agent whose tools read the application; add gates with the first tool that acts.`,
    shape: 'embedded-feature',
    actions: [{ name: 'read application data', effect: 'read' }],
    users: 'team',
    runs: ['interactive'],
    stack,
  });
  return planFromBrief(brief, rubric);
}
