import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Rubric, Primitive } from '../rubric/schema.js';
import type { Report } from '../report/schema.js';
import type { Brief } from './brief.js';
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
  readOnly: boolean;
  mutating: boolean;
  destructive: boolean;
  external: boolean;
  payments: boolean;
  unattended: boolean;
  longRunning: boolean;
  interactive: boolean;
  code: boolean;
  multiJustified: boolean;
  compliance: boolean;
  actionsText: (pred: (a: Brief['actions'][number]) => boolean) => string;
}

function traitsOf(b: Brief): Traits {
  const has = (r: string) => b.actions.some((a) => a.risk === r);
  return {
    readOnly: b.actions.every((a) => a.risk === 'read-only'),
    mutating: b.actions.some((a) => a.risk !== 'read-only'),
    destructive: has('destructive'),
    external: has('external'),
    payments: b.actions.some((a) => a.sideEffect === 'payments'),
    unattended: b.runs.some((r) => r !== 'interactive'),
    longRunning: b.runs.includes('long-running'),
    interactive: b.runs.includes('interactive'),
    code: b.shape === 'code-agent',
    multiJustified: b.multiAgent.wanted && (b.multiAgent.reason ?? '').trim().length >= 20,
    compliance: b.constraints.compliance.length > 0,
    actionsText: (pred) => {
      const names = b.actions.filter(pred).map((a) => `"${a.name}"`);
      return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    },
  };
}

type Placement = { phase: PlanPhaseId; reason: string } | { deferred: string; revisitWhen: string };

/** The placement rules: one function per primitive id of PRIMITIVES.md. */
const RULES: Record<string, (b: Brief, t: Traits) => Placement> = {
  'tool-registry': (b) => ({ phase: 'day-one', reason: `${b.actions.length} action(s) become tools with a schema and a risk tier; the registry is where the risk of each tool is declared.` }),
  permissions: (_b, t) =>
    t.mutating
      ? { phase: 'day-one', reason: `${t.actionsText((a) => a.risk !== 'read-only')} change${t.destructive || t.external ? ' or leave' : ''} the world: no such call runs without a decision${t.destructive || t.external ? '; destructive and external actions always ask a person' : ''}.` }
      : { deferred: 'every action is read-only: there is nothing to gate yet', revisitWhen: 'the first mutating, destructive or external tool is added' },
  'permission-audit': (b, t) =>
    t.payments || (t.external && t.compliance) || (t.compliance && t.mutating)
      ? { phase: 'day-one', reason: `${t.payments ? 'money moves' : 'actions leave the system'}${t.compliance ? ` under ${b.constraints.compliance.join(', ')}` : ''}: every allow and deny must be recorded and queryable from the first call.` }
      : t.mutating || t.compliance || b.users === 'enterprise'
        ? { phase: 'week-one', reason: `${b.users === 'enterprise' ? 'enterprise users' : 'mutating actions'} need an answer to "who allowed this?" after the fact.` }
        : { deferred: 'read-only actions need no decision trail', revisitWhen: 'a permission gate exists (the first mutating tool) or a compliance regime applies' },
  'session-persistence': (b, t) =>
    t.unattended
      ? { phase: 'day-one', reason: `the agent runs ${b.runs.filter((r) => r !== 'interactive').join(' and ')}: a crash must not lose the run.` }
      : { phase: 'week-one', reason: 'conversations should survive a restart or a deploy.' },
  'workflow-state': (b, t) =>
    t.external
      ? { phase: 'day-one', reason: `${t.actionsText((a) => a.risk === 'external')} ${t.payments ? 'move money or leave the system' : 'leave the system'}: a retried or resumed run must not repeat them (idempotency keys per step).` }
      : b.shape === 'workflow-orchestrator' || b.runs.includes('scheduled') || t.longRunning
        ? { phase: 'day-one', reason: 'multi-step work runs unattended: each step needs an explicit state so a restart continues instead of starting over.' }
        : t.code
          ? { phase: 'month-one', reason: 'longer coding tasks benefit from an explicit plan with step states.' }
          : { deferred: 'single-turn tasks have no steps to track', revisitWhen: 'tasks span several steps that must survive a restart' },
  'token-budget': (b) => ({
    phase: 'day-one',
    reason: b.constraints.costCeilingUsd !== undefined
      ? `the brief caps cost at $${b.constraints.costCeilingUsd} per run: check the budget before every model call and stop gracefully.`
      : `${b.users === 'public' ? 'public users can drive cost' : 'every loop can run away'}: cap tokens and cost per run and stop gracefully.`,
  }),
  'streaming-events': (_b, t) =>
    t.interactive
      ? { phase: 'day-one', reason: 'people watch the agent work: progress, tool calls and errors stream as typed events.' }
      : { phase: 'week-one', reason: 'typed events make unattended runs observable and testable.' },
  'event-log': (_b, t) =>
    t.unattended
      ? { phase: 'day-one', reason: 'nobody watches an unattended run: an append-only event log is the only way to reconstruct it.' }
      : { phase: 'week-one', reason: 'an append-only event log lets you reconstruct any run after the fact.' },
  verification: (_b, t) =>
    t.code
      ? { phase: 'day-one', reason: 'the agent changes code: it runs the tests before it reports done, and harness tests pin the guardrails.' }
      : { phase: 'week-one', reason: 'tests pin the guardrails so a refactor cannot silently remove one.' },
  compaction: (b, t) =>
    t.longRunning || t.code
      ? { phase: 'week-one', reason: `${t.code ? 'coding sessions' : 'long-running sessions'} outgrow the context window.` }
      : t.interactive && b.shape !== 'embedded-feature'
        ? { phase: 'month-one', reason: 'long conversations eventually outgrow the context window.' }
        : { deferred: 'short runs stay far below the context window', revisitWhen: 'transcripts reach about half of the context window' },
  'tool-pool': (b, t) =>
    b.actions.length >= 8 || t.multiJustified || (t.mutating && (b.users === 'team' || b.users === 'enterprise'))
      ? { phase: 'month-one', reason: `${b.actions.length >= 8 ? `${b.actions.length} tools` : 'different users, modes or roles'} need the tool set assembled per session (read-only mode offers no mutating tools).` }
      : { deferred: `${b.actions.length} tool(s) fit one fixed list`, revisitWhen: 'the tool set passes about 8 tools, or users or modes need different tool sets' },
  'agent-types': (b, t) =>
    t.multiJustified
      ? { phase: 'month-one', reason: `the brief gives a reason for several agents (${b.multiAgent.reason!.trim()}): add typed roles with their own prompts and tool sets after the single-agent loop is solid.` }
      : { deferred: 'one agent covers the brief', revisitWhen: 'a measured need appears: tasks that exceed one context window, or roles that need different tool permissions' },
};

const DECLINE: Array<{ test: RegExp; decision: string; condition: string }> = [
  { test: /swarm|multi[- ]?agent|sub-?agents?|agent team|crew/i, decision: 'declined: one agent until a need is measured', condition: 'tasks exceed one context window after compaction, or roles need different tool permissions; then add typed roles, not a swarm' },
  { test: /marketplace|plug-?ins?|extension store/i, decision: 'declined: no plug-in marketplace before sessions survive crashes', condition: 'sessions resume after a crash, the permission audit trail is in place, and third parties ask to add tools' },
  { test: /vector|rag\b|embedding|long[- ]term memory|knowledge graph/i, decision: 'declined for now: the transcript and compaction come first', condition: 'compacted transcripts still lose facts the agent needs, measured on real sessions' },
  { test: /fine[- ]?tun|train(ing)? (a|our) model|custom model/i, decision: 'declined: prompts, tools and evals first', condition: 'an eval set shows the target cannot be reached with prompts and tools' },
  { test: /kubernetes|k8s|microservice|distributed|queue cluster/i, decision: 'declined: one process first', condition: 'measured load exceeds what one process can serve' },
  { test: /self[- ]?improv|auto[- ]?generat\w* tools|agents? that write (their own )?tools/i, decision: 'declined: tools stay reviewed code', condition: 'the permission gate and audit trail cover generated tools, and a person reviews each one' },
];

function task(p: Primitive, stack: Brief['stack'] | undefined): Plan['phases'][number]['tasks'][number] {
  const table = sketches();
  const lang = stack && table[stack] ? stack : 'typescript';
  const code = table[lang]?.[p.id];
  const note = stack && stack !== lang ? ` (sketch in TypeScript; write the same interface in ${stack})` : '';
  return { primitive: p.id, task: p.fix.trim() + note, sketch: code ? { language: lang, code: code.trimEnd() } : null };
}

/**
 * Plans a harness from a brief (issue 4): deterministic rules over the brief and the rubric.
 * Single agent unless the brief gives a reason; every rubric primitive is either placed in a
 * phase with a reason tied to the brief, or deferred with the condition that brings it back.
 */
export function planFromBrief(brief: Brief, rubric: Rubric): Plan {
  const t = traitsOf(brief);
  const placed: Plan['primitives'] = [];
  const deferred: Plan['deferred'] = [];
  for (const p of rubric.primitives) {
    const rule = RULES[p.id];
    const pl: Placement = rule ? rule(brief, t) : { phase: 'month-one', reason: p.why.trim() };
    if ('phase' in pl) placed.push({ id: p.id, title: p.title, phase: pl.phase, reason: pl.reason });
    else deferred.push({ id: p.id, title: p.title, why: pl.deferred, revisitWhen: pl.revisitWhen });
  }
  const sandbox = t.code || t.destructive;
  const loopStyle: Record<Brief['shape'], string> = {
    'code-agent': 'a tool-use loop over a sandboxed workspace',
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
  const phases: Plan['phases'] = PHASES.map((ph) => {
    const ids = placed.filter((x) => x.phase === ph.id).map((x) => x.id);
    const tasks = ids.map((id) => task(byId.get(id)!, brief.stack));
    if (ph.id === 'day-one' && sandbox) {
      tasks.splice(Math.min(2, tasks.length), 0, { primitive: 'permissions', task: `Run ${t.code ? 'shell and file tools' : 'destructive tools'} in a sandbox (a container or a throwaway worktree) with no network by default, so a wrong call cannot reach beyond it.`, sketch: null });
    }
    return { id: ph.id, title: ph.title, goal: ph.goal, tasks, acceptance: ids.map((id) => ({ ...byId.get(id)!.acceptance })) };
  }).filter((ph) => ph.tasks.length);

  const subsystemDefs: Array<{ name: string; owns: string; primitives: string[] }> = [
    { name: 'agent loop', owns: 'model calls, turn control, budgets, events and context size', primitives: ['token-budget', 'streaming-events', 'compaction'] },
    { name: 'tools', owns: 'tool definitions as data and the per-session tool pool', primitives: ['tool-registry', 'tool-pool'] },
    { name: 'policy', owns: 'allow/deny decisions and their audit trail', primitives: ['permissions', 'permission-audit'] },
    { name: 'state', owns: 'transcripts and step states on disk; resume and idempotency', primitives: ['session-persistence', 'workflow-state'] },
    { name: 'observability', owns: 'the append-only event log', primitives: ['event-log'] },
    { name: 'verification', owns: 'self-checks and the guardrail test suite', primitives: ['verification'] },
    { name: 'roles', owns: 'typed agent roles with their own prompts and tools', primitives: ['agent-types'] },
  ];
  const inPlan = new Set(placed.map((p) => p.id));
  const subsystems = subsystemDefs.map((s) => ({ ...s, primitives: s.primitives.filter((id) => inPlan.has(id)) })).filter((s) => s.primitives.length);
  if (sandbox) subsystems.push({ name: 'sandbox', owns: 'where shell and file tools run; nothing outside it is reachable', primitives: ['permissions'] });

  const declined: Plan['declined'] = [];
  const asks = [...brief.asks];
  if (brief.multiAgent.wanted && !t.multiJustified) asks.push('several agents (multiAgent.wanted without a reason)');
  const seen = new Set<string>();
  for (const a of asks) {
    const rule = DECLINE.find((d) => d.test.test(a));
    if (rule && rule === DECLINE[0] && t.multiJustified) continue; // justified: planned in month one
    const key = rule?.decision ?? a;
    if (seen.has(key)) continue;
    seen.add(key);
    declined.push(rule ? { asked: a, decision: rule.decision, condition: rule.condition } : { asked: a, decision: 'not in this plan: it is not a harness primitive', condition: 'the month-one acceptance criteria pass; decide then' });
  }

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
      includes: [`one agent (${loopStyle[brief.shape]})`, ...dayOne.map((p) => p.title), ...(sandbox ? ['a sandbox for shell and file tools'] : [])],
      excludes: [...placed.filter((p) => p.phase !== 'day-one').map((p) => `${p.title} (${p.phase})`), ...deferred.map((d) => `${d.title} (deferred)`), ...declined.map((d) => d.asked)],
    },
    phases,
    declined,
  };
}

/**
 * Plans the upgrade of an existing harness from its JSON audit report (`--from-audit`): its
 * gaps become the phases, in the rubric's order (safety, durability, evaluation,
 * observability, extensibility), each gap ordered by severity inside its phase.
 */
export function planFromAudit(report: Report, rubric: Rubric): Plan {
  const gaps = report.findings;
  const byId = new Map(rubric.primitives.map((p) => [p.id, p]));
  const phases: Plan['phases'] = rubric.phases
    .map((ph) => {
      const ids = gaps.filter((f) => f.phase === ph.id).map((f) => f.id);
      return { id: ph.id, title: ph.title, goal: ph.goal, tasks: ids.map((id) => task(byId.get(id)!, undefined)).map((x) => ({ ...x, sketch: null })), acceptance: ids.map((id) => ({ ...byId.get(id)!.acceptance })) };
    })
    .filter((ph) => ph.tasks.length);
  const present = report.primitives.filter((p) => p.verdict === 'present');
  return {
    schemaVersion: 1,
    kind: 'plumbline-design-plan',
    source: 'audit',
    name: report.target.name,
    summary: report.applicable
      ? `Upgrade plan from the audit of ${report.target.name} (score ${report.score}/100): ${gaps.length} gap(s), most severe first within each phase.`
      : `${report.target.name} is not an agent harness: there is nothing to upgrade. Use a brief to design one.`,
    shape: { recommended: `keep the current shape (${report.context.shape})`, agents: report.context.flags.includes('multi-agent') ? 2 : 1, why: report.context.summary },
    primitives: gaps.map((f) => ({ id: f.id, title: f.title, phase: f.phase, reason: `${f.severity}: ${f.message}` })),
    deferred: [],
    subsystems: [],
    mvp: { includes: present.map((p) => `${p.title} (already present)`), excludes: [] },
    phases,
    declined: [],
  };
}
