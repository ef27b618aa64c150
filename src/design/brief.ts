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

export const ActionSchema = z
  .object({
    name: z.string().min(1).max(80).describe('what the agent does, e.g. "refund an order"'),
    risk: RiskSchema.describe('read-only; mutating (reversible writes); destructive (deletes, force pushes); external (side effects outside the system)'),
    sideEffect: SideEffectSchema.optional().describe('for external actions: what leaves the system'),
  })
  .strict();

export const BriefSchema = z
  .object({
    name: z.string().min(1).max(80),
    summary: z.string().max(600).optional(),
    shape: ProductShapeSchema,
    actions: z.array(ActionSchema).min(1).max(40),
    users: UsersSchema,
    runs: z.array(RunModeSchema).min(1),
    multiAgent: z
      .object({ wanted: z.boolean(), reason: z.string().max(400).optional().describe('why one agent is not enough; a swarm without a reason is declined') })
      .strict()
      .default({ wanted: false }),
    stack: StackSchema,
    constraints: z
      .object({
        soloMaintenance: z.boolean().default(false),
        compliance: z.array(z.string().max(40)).default([]).describe('e.g. SOC2, PCI-DSS, HIPAA, GDPR'),
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
