import { z } from 'zod';

/** The phases of a plan from a brief, and the ids used in the JSON plan. */
export const PlanPhaseIdSchema = z.enum(['day-one', 'week-one', 'month-one']);
export type PlanPhaseId = z.infer<typeof PlanPhaseIdSchema>;

const Sketch = z.object({ language: z.string(), code: z.string() });
const Acceptance = z.object({ name: z.string(), given: z.string(), then: z.string() });

/**
 * A design plan as data (issue 4); `templates/plan.md.hbs` renders the same object as Markdown.
 * Phase ids are `day-one | week-one | month-one` for a brief, or the rubric's phase ids
 * (safety, durability, ...) for an upgrade plan made `--from-audit`.
 */
export const PlanSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('plumbline-design-plan'),
  source: z.enum(['brief', 'audit']),
  name: z.string(),
  summary: z.string(),
  shape: z.object({ recommended: z.string(), agents: z.number().int().positive(), why: z.string() }),
  primitives: z.array(z.object({ id: z.string(), title: z.string(), phase: z.string(), reason: z.string() })),
  deferred: z.array(z.object({ id: z.string(), title: z.string(), why: z.string(), revisitWhen: z.string() })),
  subsystems: z.array(z.object({ name: z.string(), owns: z.string(), primitives: z.array(z.string()) })),
  mvp: z.object({ includes: z.array(z.string()), excludes: z.array(z.string()) }),
  phases: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      goal: z.string(),
      tasks: z.array(z.object({ primitive: z.string(), task: z.string(), sketch: Sketch.nullable() })),
      acceptance: z.array(Acceptance),
    }),
  ),
  declined: z.array(z.object({ asked: z.string(), decision: z.string(), condition: z.string() })),
  level: z
    .object({ id: z.string(), title: z.string(), why: z.string(), entry: z.string() })
    .optional()
    .describe('the rung of the complexity ladder (templates/design/ladder.yaml) the plan stops at, and why; absent in plans written before issue 13'),
  gates: z
    .object({
      approval: z.string().describe('who decides a gated call, attended and unattended'),
      actions: z.array(z.object({ action: z.string(), effect: z.string(), kind: z.string(), sandboxed: z.boolean(), irreversible: z.boolean(), threshold: z.string().nullable(), decision: z.string(), rule: z.string() })),
    })
    .optional()
    .describe('one gate per action of the brief (plans from a brief)'),
  regimes: z.array(z.object({ name: z.string(), remark: z.string() })).optional().describe('regulatory remarks, only for regimes the brief names'),
});
export type Plan = z.infer<typeof PlanSchema>;
