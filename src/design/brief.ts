import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatZodIssues } from '../util/errors.js';

/**
 * The product brief `plumbline design` plans from (issue 4). One zod schema; a YAML or JSON
 * file, CLI flags, or the TTY questionnaire fill it. `schema/brief.schema.json` is generated.
 */
export const ProductShapeSchema = z.enum(['code-agent', 'chat-assistant', 'workflow-orchestrator', 'internal-copilot', 'embedded-feature', 'hybrid']);
export const RiskSchema = z.enum(['read-only', 'mutating', 'destructive', 'external']);
export const SideEffectSchema = z.enum(['payments', 'email', 'deploy', 'messaging', 'data-export', 'other']);
export const UsersSchema = z.enum(['solo-developer', 'team', 'enterprise', 'public']);
export const RunModeSchema = z.enum(['interactive', 'headless', 'scheduled', 'long-running']);
export const StackSchema = z.enum(['typescript', 'python', 'go', 'rust', 'other']);

/**
 * What an action does to the world (issue 13): `read` looks, `mutate` changes something reversibly,
 * `destroy` deletes or overwrites, `pay` moves money, `send` leaves the system (email, chat, an
 * export), `deploy` changes what runs in production. The effect drives the action's gate; `destroy`,
 * `pay`, `send` and `deploy` are irreversible and get idempotency keys (PRIMITIVES.md
 * `permissions`, `workflow-state`).
 */
export const EffectSchema = z.enum(['read', 'mutate', 'destroy', 'pay', 'send', 'deploy']);
export type Effect = z.infer<typeof EffectSchema>;

/**
 * What an action touches, when it matters for safety: shell, file and code-execution actions run
 * in a sandbox and get command and path checks; `other` never does. When left out it is read from
 * the action's name (see `actionKind` in src/design/gates.ts).
 */
export const ActionKindSchema = z.enum(['shell', 'file', 'code-execution', 'other']);

/** `"200 USD"`, `"$200"`, `"500 rows"`: an amount and a unit (a leading `$` means USD). */
export const THRESHOLD_RE = /^\s*(\$)?\s*(\d+(?:\.\d+)?)\s*([A-Za-z%][A-Za-z%]{0,19})?\s*$/;

export const ActionSchema = z
  .object({
    name: z.string().min(1).max(80).describe('what the agent does, e.g. "refund an order"'),
    risk: RiskSchema.optional().describe('legacy tier: read-only; mutating (reversible writes); destructive (deletes, force pushes); external (side effects outside the system). Give risk or effect'),
    effect: EffectSchema.optional().describe('what the action does: read, mutate, destroy, pay, send or deploy; drives its gate. Derived from risk and sideEffect when left out'),
    sideEffect: SideEffectSchema.optional().describe('for external actions: what leaves the system'),
    kind: ActionKindSchema.optional().describe('shell, file or code-execution actions get a sandbox and command checks; read from the name when left out'),
    threshold: z
      .string()
      .max(40)
      .regex(THRESHOLD_RE, 'use an amount and a unit, e.g. "200 USD", "$200" or "500 rows"')
      .optional()
      .describe('at or below this amount the action runs without a person (an auto-approve rule); above it, it asks or queues'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.risk && !a.effect) ctx.addIssue({ code: 'custom', path: ['effect'], message: 'give the action an effect (read, mutate, destroy, pay, send, deploy) or a risk' });
    if (a.threshold && effectOf(a) === 'read') ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a read action needs no threshold: it runs without a person anyway' });
  });

/**
 * The effect of an action: its `effect`, else derived from the legacy `risk` and `sideEffect`
 * (external + payments = pay, external + deploy = deploy, other external = send).
 */
export function effectOf(a: { risk?: z.infer<typeof RiskSchema>; effect?: Effect; sideEffect?: z.infer<typeof SideEffectSchema> }): Effect {
  if (a.effect) return a.effect;
  switch (a.risk) {
    case 'read-only':
      return 'read';
    case 'destructive':
      return 'destroy';
    case 'external':
      return a.sideEffect === 'payments' ? 'pay' : a.sideEffect === 'deploy' ? 'deploy' : 'send';
    default:
      return 'mutate';
  }
}

export const BriefSchema = z
  .object({
    name: z.string().min(1).max(80),
    summary: z.string().max(600).optional(),
    shape: ProductShapeSchema,
    actions: z.array(ActionSchema).min(1).max(40),
    users: UsersSchema,
    runs: z.array(RunModeSchema).min(1),
    unattended: z.boolean().optional().describe('true when no person watches a run (default: runs include headless or scheduled); gated actions then go to a pending-approval queue'),
    schedule: z.string().max(80).optional().describe('when unattended runs start, e.g. "nightly 02:00" or a cron line; pending approvals expire before the next run'),
    multiAgent: z
      .object({ wanted: z.boolean(), reason: z.string().max(400).optional().describe('why one agent is not enough; a swarm without a reason is declined') })
      .strict()
      .default({ wanted: false }),
    stack: StackSchema,
    regimes: z.array(z.string().min(1).max(40)).default([]).describe('regulatory regimes the product is under, e.g. GDPR, PCI-DSS, HIPAA, SOC2; regulatory remarks appear only for regimes named here or in constraints.compliance'),
    constraints: z
      .object({
        soloMaintenance: z.boolean().default(false),
        compliance: z.array(z.string().max(40)).default([]).describe('e.g. SOC2, PCI-DSS, HIPAA, GDPR (same as regimes)'),
        costCeilingUsd: z.number().positive().optional().describe('USD per run or per conversation'),
      })
      .strict()
      .default({ soloMaintenance: false, compliance: [] }),
    asks: z.array(z.string().max(120)).default([]).describe('features the brief asks for (e.g. "plugin marketplace"); the plan accepts or declines each'),
  })
  .strict();

export type Brief = z.infer<typeof BriefSchema>;
export type BriefInput = z.input<typeof BriefSchema>;

/**
 * Parses and validates a brief object.
 * @param source shown first in error lines (a file name or "flags")
 * @throws ConfigError with one line per problem, naming the field
 */
export function parseBrief(data: unknown, source: string): Brief {
  const r = BriefSchema.safeParse(data);
  if (!r.success) throw new ConfigError(formatZodIssues(source, r.error.issues));
  return r.data;
}

/** Reads a YAML or JSON brief file. @throws ConfigError */
export function readBriefFile(file: string): Brief {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the brief: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseBrief(data, file);
}
