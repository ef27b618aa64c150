import { THRESHOLD_RE, effectOf, type Brief, type Effect } from './brief.js';

/**
 * Advice from the brief's own actions (issue 13, items 1 and 2): each action's effect decides its
 * gate (PRIMITIVES.md `permissions`), a threshold becomes an auto-approve rule, irreversible
 * actions get idempotency keys (`workflow-state`), only shell, file and code-execution actions get
 * a sandbox, and an unattended run never waits for a person: it denies, queues and stops with a
 * reason (`permission-audit`, `token-budget`).
 */

/** What an action touches; `other` never gets a sandbox. */
export type ActionKind = 'shell' | 'file' | 'code-execution' | 'other';

/** How a gated action is decided. `ask` needs a person in the session; `queue` needs nobody online. */
export type GateDecision = 'allow' | 'ask' | 'queue' | 'ask-or-queue';

/** One action of the brief with its gate, as the plan shows it. */
export interface ActionGate {
  action: string;
  effect: Effect;
  kind: ActionKind;
  /** Runs inside the sandbox (shell, code execution, file writes). */
  sandboxed: boolean;
  /** Cannot be undone outside a sandbox: pay, send, deploy, destroy. Gets an idempotency key. */
  irreversible: boolean;
  /** The brief's auto-approve threshold, parsed. */
  threshold: { amount: number; unit: string; text: string } | null;
  /** Decision above the threshold (or for every call without one). */
  decision: GateDecision;
  /** One line: the rule the permission check applies (the idempotency key is shown apart). */
  rule: string;
}

/** The brief's run context: who can approve, and when. */
export interface RunContext {
  /** Some runs have a person watching (interactive). */
  attended: boolean;
  /** Some runs have nobody watching (headless, scheduled, or `unattended: true`). */
  unattended: boolean;
  /** When pending approvals expire. */
  expiry: string;
}

const SHELL = /\b(shell|terminal|bash|zsh|powershell|commands?|scripts?)\b/i;
const CODE = /\b(run|runs|execute|executes|eval|evaluate)\b.*\b(code|python|javascript|notebooks?|snippets?|tests?)\b|\bcode[- ]execution\b/i;
const FILE = /\b(files?|director(y|ies)|folders?|patch(es)?|worktree|repositor(y|ies)|repo)\b/i;

/**
 * The kind of an action: `kind` from the brief, else read from its name (shell, terminal or
 * command → shell; running code or tests → code-execution; files, folders, patches → file).
 */
export function actionKind(a: Brief['actions'][number]): ActionKind {
  if (a.kind) return a.kind;
  if (CODE.test(a.name)) return 'code-execution';
  if (SHELL.test(a.name)) return 'shell';
  if (FILE.test(a.name)) return 'file';
  return 'other';
}

/** Parses `"200 USD"` / `"$200"` / `"500 rows"`. @returns null when absent */
export function parseThreshold(s: string | undefined): ActionGate['threshold'] {
  const m = s === undefined ? null : THRESHOLD_RE.exec(s);
  if (!m) return null;
  const amount = Number(m[2]);
  const unit = m[1] ? 'USD' : (m[3] ?? '').trim();
  return { amount, unit, text: `${formatAmount(amount)}${unit ? ` ${unit}` : ''}` };
}

function formatAmount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Who can approve in this brief's runs, and when a pending approval expires. */
export function runContext(b: Brief): RunContext {
  const unattended = b.unattended ?? b.runs.some((r) => r === 'headless' || r === 'scheduled');
  const attended = b.runs.includes('interactive') && !(b.unattended === true && b.runs.every((r) => r === 'interactive'));
  const expiry = b.schedule || b.runs.includes('scheduled') ? 'before the next scheduled run' : 'after 24 hours';
  return { attended, unattended, expiry };
}

const IRREVERSIBLE: ReadonlySet<Effect> = new Set(['destroy', 'pay', 'send', 'deploy']);

/** The gate of every action of the brief, in brief order. */
export function gatesOf(b: Brief): ActionGate[] {
  const ctx = runContext(b);
  const humanGate: GateDecision = ctx.unattended ? (ctx.attended ? 'ask-or-queue' : 'queue') : 'ask';
  const whenAsked: Record<GateDecision, string> = {
    allow: 'runs',
    ask: 'asks a person in the session',
    queue: `is denied and queued for approval (expires ${ctx.expiry})`,
    'ask-or-queue': `asks a person in an interactive session; in an unattended run it is denied and queued for approval (expires ${ctx.expiry})`,
  };
  return b.actions.map((a) => {
    const effect = effectOf(a);
    const kind = actionKind(a);
    const sandboxed = kind === 'shell' || kind === 'code-execution' || (kind === 'file' && effect !== 'read');
    const irreversible = IRREVERSIBLE.has(effect) && !sandboxed;
    const threshold = parseThreshold(a.threshold);
    let decision: GateDecision;
    let rule: string;
    if (effect === 'read') {
      decision = 'allow';
      rule = `runs without a person${kind === 'file' ? '; paths stay inside the allowed roots' : ''}`;
    } else if (effect === 'mutate') {
      decision = 'allow';
      rule = sandboxed ? 'runs inside the sandbox without a person; recorded' : 'runs without a person (reversible); recorded';
    } else if (sandboxed) {
      decision = humanGate;
      rule = `allow-listed commands run inside the sandbox; any other ${whenAsked[humanGate].replace(/^asks/, 'command asks').replace(/^is denied/, 'command is denied')}`;
    } else {
      decision = humanGate;
      rule = threshold
        ? `up to ${threshold.text} runs without a person (auto-approve rule); above ${threshold.text} it ${whenAsked[humanGate]}`
        : whenAsked[humanGate];
    }
    return { action: a.name, effect, kind, sandboxed, irreversible, threshold, decision, rule };
  });
}

/**
 * The approval path in one paragraph: who decides when a gated action is called. An unattended
 * run never waits for a person: deny by default, a pending-approval queue with expiry, a per-run
 * budget and a stop reason (issue 13, item 2).
 */
export function approvalPath(b: Brief, gates: ActionGate[]): string {
  const ctx = runContext(b);
  const gated = gates.filter((g) => g.decision !== 'allow');
  if (!gated.length) return 'No action needs a person: every call runs under its rule and is recorded.';
  const parts: string[] = [];
  if (ctx.attended) parts.push('In an interactive session a person approves or denies each asked call; a denial goes back to the model as a tool error.');
  if (ctx.unattended) {
    const budget = b.constraints.costCeilingUsd !== undefined ? `a per-run budget of $${b.constraints.costCeilingUsd}` : 'a per-run budget (tokens and USD)';
    parts.push(
      `Nobody is online during an unattended run${b.schedule ? ` (${b.schedule})` : ''}, so nothing waits for a person: every gated call is denied by default and written to a pending-approval queue (action, arguments, run id, idempotency key) that expires ${ctx.expiry}. A person approves from the queue later, and the next run executes the approved calls under their idempotency keys. Each run has ${budget} and ends with a stop reason: completed, awaiting_approval, budget_exceeded or failed.`,
    );
  }
  return parts.join(' ');
}

/** An acceptance criterion, in the rubric's shape. */
export interface Criterion {
  name: string;
  given: string;
  then: string;
}

const q = (s: string) => `"${s}"`;

function others(list: ActionGate[]): string {
  return list.length > 1 ? ` (and likewise ${list.slice(1).map((g) => q(g.action)).join(', ')})` : '';
}

/**
 * Acceptance criteria for the gates of this brief (PRIMITIVES.md `permissions`): one per kind of
 * rule, named after the action it exercises. When only reversible writes are gated, one criterion
 * checks that the permission check runs at all (`fallback: false` leaves it out).
 */
export function gateCriteria(b: Brief, gates: ActionGate[], o: { fallback?: boolean } = {}): Criterion[] {
  const out: Criterion[] = [];
  const ctx = runContext(b);
  for (const g of gates.filter((x) => x.threshold && x.decision !== 'allow')) {
    const t = g.threshold!;
    const below = formatAmount(t.amount * 0.75);
    const above = formatAmount(t.amount * 1.25);
    const unit = t.unit ? ` ${t.unit}` : '';
    out.push({ name: `${q(g.action)} up to ${t.text} runs without a person`, given: `a request to ${g.action} for ${below}${unit}, below the ${t.text} threshold`, then: 'it runs without asking anyone, and the decision is recorded as allowed by the threshold rule' });
    out.push({
      name: `${q(g.action)} above ${t.text} ${g.decision === 'queue' ? 'is queued for approval' : 'waits for approval'}`,
      given: `a request to ${g.action} for ${above}${unit}, above the threshold`,
      then: g.decision === 'queue' ? 'it does not run; a pending approval with an expiry is queued and the decision is recorded' : 'it does not run until a person approves it, and a denial goes back to the model as a tool error',
    });
  }
  const plain = gates.filter((x) => !x.threshold && !x.sandboxed && x.decision !== 'allow');
  if (plain.length && ctx.attended) {
    out.push({ name: `${q(plain[0]!.action)} waits for a person's approval`, given: `an interactive session and a model that requests ${q(plain[0]!.action)}${others(plain)}`, then: 'the call does not run until a person approves it, and a denial goes back to the model as a tool error' });
  }
  const queued = gates.filter((x) => !x.threshold && x.decision !== 'allow');
  if (queued.length && ctx.unattended) {
    out.push({ name: `an unattended run queues ${q(queued[0]!.action)} instead of waiting`, given: `a ${b.schedule ? 'scheduled' : 'headless'} run with nobody online and a model that requests ${q(queued[0]!.action)}${others(queued)}`, then: 'the call does not run; a pending approval with an expiry is queued, and the run goes on with other steps or ends with stop reason "awaiting_approval"' });
  }
  if (ctx.unattended && gates.some((x) => x.decision !== 'allow')) {
    out.push({ name: 'a pending approval expires unused', given: `a queued approval older than its expiry (${ctx.expiry})`, then: 'it is marked expired, the action never runs, and the expiry is recorded' });
  }
  const mutating = gates.filter((x) => x.effect === 'mutate');
  if (!out.length && mutating.length && o.fallback !== false) {
    out.push({ name: `${q(mutating[0]!.action)} is checked before it runs`, given: `a model that requests ${q(mutating[0]!.action)} and a tool with no declared effect`, then: 'the permission check runs before the tool and allows the first with the rule that allowed it; the undeclared tool is denied' });
  }
  return out;
}

/** The idempotency criterion for the first irreversible action, or null when there is none. */
export function idempotencyCriterion(gates: ActionGate[]): Criterion | null {
  const irr = gates.filter((g) => g.irreversible);
  if (!irr.length) return null;
  const a = irr[0]!.action;
  return { name: `${q(a)} is not repeated on retry`, given: `a run that completed ${q(a)}${others(irr)} and crashed before recording the reply`, then: 'on retry the idempotency key finds the earlier result and the action is not executed a second time' };
}
