import { z } from 'zod';

/**
 * The rubric schema: the 12 primitives of PRIMITIVES.md as data (STYLE.md conventions 1-3).
 * A rubric is YAML validated by `RubricSchema` at load; the engine in `src/detect` is generic and
 * consumes it. Adding a signal is a data change, not a code change.
 */

/** Verdict for one primitive, as defined in PRIMITIVES.md ("present | partial | absent"). */
export const VerdictSchema = z.enum(['present', 'partial', 'absent']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** Gap severity, PRIMITIVES.md "Severity". Ordered critical > high > medium > low. */
export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low']);
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * Kinds of facts a front end emits per file (src/extract). Signals name the kinds they match.
 * - import: a module specifier; decl: a declared name (class, interface, type, function, enum,
 *   struct, trait, variable); member: a member of a class/interface/struct/enum (or enum variant);
 * - call: a callee path such as `registry.register`; string: a string literal or literal type;
 * - key: an object/dict literal key; tooldef: an object literal with name + description + schema;
 * - union: a discriminated union (value = the literal discriminant values joined by `|`);
 * - test: the name or title of a test case; path: the file's repository-relative path;
 * - text: any non-comment line (last resort, for config and Markdown files).
 */
export const FactKindSchema = z.enum([
  'import', 'decl', 'member', 'call', 'string', 'key', 'tooldef', 'union', 'test', 'path', 'text',
]);
export type FactKind = z.infer<typeof FactKindSchema>;

/**
 * Roles a file can play (src/scan/classify.ts). Evidence counts only from the roles a signal lists;
 * the default is `source`, so examples, docs and fixtures never make a primitive present.
 */
export const RoleSchema = z.enum(['source', 'test', 'example', 'docs', 'fixture', 'tooling', 'ci', 'config']);
export type Role = z.infer<typeof RoleSchema>;

/** Languages plumbline recognises (src/scan/language.ts). */
export const LanguageSchema = z.enum(['typescript', 'javascript', 'python', 'rust', 'go', 'markdown', 'config', 'other']);
export type Language = z.infer<typeof LanguageSchema>;

const regexString = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/**
 * One signal: a regular expression matched against *normalized* fact values (lowercase, with
 * `_`, `-` and whitespace removed, so `ToolRegistry`, `tool_registry` and `TOOL-REGISTRY` all read
 * `toolregistry`).
 */
export const SignalSchema = z.strictObject({
  /** Stable id, unique within the primitive; shown in evidence. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case'),
  /** Fact kinds this signal matches. */
  kinds: z.array(FactKindSchema).min(1),
  /** Regex over the normalized fact value. */
  pattern: regexString,
  /** Optional regex the normalized value must NOT match (look-alikes). */
  exclude: regexString.optional(),
  /** Contribution to its criterion when wired in and reachable (default 1). */
  weight: z.number().positive().max(10).default(1),
  /** File roles where this signal counts (default: source only). */
  roles: z.array(RoleSchema).min(1).default(['source']),
  /** Restrict to these languages (default: all). */
  languages: z.array(LanguageSchema).optional(),
  /** Short human explanation, shown in `plumbline rubric show`. */
  note: z.string().optional(),
});
export type Signal = z.infer<typeof SignalSchema>;

/** A criterion: a named group of signals; met when the summed evidence strength reaches `min`. */
export const CriterionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case'),
  description: z.string(),
  /** Strength needed to meet the criterion (sum over distinct signals of their best evidence). */
  min: z.number().positive().default(1),
  signals: z.array(SignalSchema).min(1),
});
export type Criterion = z.infer<typeof CriterionSchema>;

/** Context flags derived from `context` criteria, used by severity rules and shape detection. */
export const ContextFlagSchema = z.enum([
  'llm', 'agent-loop', 'mutating-tools', 'coding-tools', 'multi-agent', 'long-running', 'library', 'workflow',
]);
export type ContextFlag = z.infer<typeof ContextFlagSchema>;

/** Verdict rules in disjunctive normal form: any inner list whose criteria are all met. */
const DnfSchema = z.array(z.array(z.string()).min(1));

export const PrimitiveSchema = z.strictObject({
  /** Id from PRIMITIVES.md, e.g. `tool-registry`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string(),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  what: z.string(),
  why: z.string(),
  criteria: z.array(CriterionSchema).min(1),
  verdict: z.strictObject({ present: DnfSchema, partial: DnfSchema }),
  severity: z.strictObject({
    /** Severity of an absent primitive with no rule raising it. */
    base: SeveritySchema,
    /** First matching rule wins: when every listed context flag is set, use `severity`. */
    rules: z.array(z.strictObject({ when: z.array(ContextFlagSchema).min(1), severity: SeveritySchema, because: z.string() })).default([]),
  }),
  /** Upgrade-path phase id (see `phases`). */
  phase: z.string(),
  /** How to close the gap. */
  fix: z.string(),
  /** The test that would confirm the fix. */
  acceptance: z.strictObject({ name: z.string(), given: z.string(), then: z.string() }),
});
export type Primitive = z.infer<typeof PrimitiveSchema>;

export const PhaseSchema = z.strictObject({ id: z.string(), title: z.string(), goal: z.string() });
export type Phase = z.infer<typeof PhaseSchema>;

export const RubricSchema = z
  .strictObject({
    /** Rubric format version. */
    version: z.literal(1),
    id: z.string(),
    title: z.string(),
    /** Evidence multipliers applied by the engine (src/detect/engine.ts). */
    weights: z.strictObject({
      /** Factor for evidence in files no entry point reaches (0..1). */
      unreachable: z.number().min(0).max(1),
      /** Factor for a declaration whose name no other non-test code references (0..1). */
      unwired: z.number().min(0).max(1),
    }),
    /** Repository-level context: is there an LLM, an agent loop, mutating tools, sub-agents... */
    context: z.array(CriterionSchema.extend({ id: ContextFlagSchema })),
    /** Upgrade-path phases, in order. */
    phases: z.array(PhaseSchema).min(1),
    primitives: z.array(PrimitiveSchema).min(1),
  })
  .superRefine((r, ctx) => {
    const phaseIds = new Set(r.phases.map((p) => p.id));
    const seen = new Set<string>();
    r.primitives.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['primitives', i, 'id'], message: `duplicate primitive id "${p.id}"` });
      seen.add(p.id);
      if (!phaseIds.has(p.phase)) ctx.addIssue({ code: 'custom', path: ['primitives', i, 'phase'], message: `unknown phase "${p.phase}"` });
      const crit = new Set(p.criteria.map((c) => c.id));
      for (const key of ['present', 'partial'] as const) {
        p.verdict[key].forEach((conj, j) => conj.forEach((c, k) => {
          if (!crit.has(c)) ctx.addIssue({ code: 'custom', path: ['primitives', i, 'verdict', key, j, k], message: `unknown criterion "${c}"` });
        }));
      }
    });
  });
export type Rubric = z.infer<typeof RubricSchema>;
