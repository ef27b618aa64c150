import { z } from 'zod';
import { phraseSource } from './words.js';

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
 * - text: any non-comment line (last resort, for config and Markdown files);
 * - switch: the subject of a switch / match statement (`block.name`, `tool_name`), as a path.
 */
export const FactKindSchema = z.enum([
  'import', 'decl', 'member', 'call', 'string', 'key', 'tooldef', 'union', 'test', 'path', 'text', 'switch',
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

/** A list of word phrases (src/rubric/words.ts syntax), each valid. */
const phraseList = z.array(z.string().min(1).refine((p) => {
  try {
    phraseSource(p);
    return true;
  } catch {
    return false;
  }
}, 'not a valid phrase')).min(1);

/**
 * One signal. It matches a fact by `words` (phrases over the fact's words: whole words in
 * sequence, src/rubric/words.ts) or by `pattern` (a regular expression over the *normalized*
 * value: lowercase, `_`, `-` and whitespace removed, so `ToolRegistry` and `tool_registry` both
 * read `toolregistry`); at least one of the two. `notWords` / `exclude` name look-alikes.
 */
const SignalFields = {
  /** Stable id, unique within the primitive; shown in evidence. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case'),
  /** Fact kinds this signal matches. */
  kinds: z.array(FactKindSchema).min(1),
  /** Word phrases: the fact matches when any phrase matches its words. */
  words: phraseList.optional(),
  /** Phrases the fact's words must NOT match (look-alikes such as `code verifier`). */
  notWords: phraseList.optional(),
  /** Regex over the normalized fact value. */
  pattern: regexString.optional(),
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
};
const needsMatcher = [(s: { words?: string[]; pattern?: string }) => !!(s.words || s.pattern), { message: 'a signal needs words or a pattern' }] as const;
export const SignalSchema = z.strictObject(SignalFields).refine(...needsMatcher);
export type Signal = z.infer<typeof SignalSchema>;

/**
 * Relations of evidence to the harness model's landmarks (src/model), PRIMITIVES.md's "before
 * tool execution", "in the loop", "before a model call", "used to spawn sub-agents":
 * - `tool-path`: in a declaration on a call path from the agent loop to tool execution;
 * - `model-path`: on a call path from the loop to a model call;
 * - `before-model`: on that path, before the model call (by line in the calling declaration);
 * - `loop`: in a declaration the loop reaches (or the loop itself);
 * - `tool-impl`: in a tool implementation (reached from where tools execute) or beside tool definitions;
 * - `entry`: in a declaration an entry point reaches;
 * - `loop-module`: in the file of an agent loop or a file it imports (types the loop uses);
 * - `harness-test`: in a test whose file imports (within three hops, or shares a Go package
 *   with) code the harness uses: a test of an engine nothing calls does not pin a guardrail;
 * - `shell-path`: in harness code on a call path to a shell execution (the `shell-exec`
 *   landmark), or called from such code (a command check before `spawn`).
 * A declared name is related through the declarations that mention it.
 */
export const RelationSchema = z.enum(['tool-path', 'model-path', 'before-model', 'loop', 'tool-impl', 'entry', 'loop-module', 'harness-test', 'shell-path']);
export type Relation = z.infer<typeof RelationSchema>;

/** A criterion: a named group of signals; met when the summed evidence strength reaches `min`. */
export const CriterionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case'),
  description: z.string(),
  /**
   * Where the evidence must sit (any of these relations). Evidence tied to none keeps only
   * `weights.untied` of its strength, and a criterion with `where` is met only with at least
   * one tied item: a name tied to nothing never makes a primitive present by itself.
   */
  where: z.array(RelationSchema).min(1).optional(),
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

/**
 * Where a primitive sits in two public catalogues (issue 15): the 12-factor-agents factors
 * (humanlayer/12-factor-agents, numbered 1-12) and the OWASP Top 10 for Agentic Applications
 * (2026, ids ASI01-ASI10). Only where one fits; reports show it and SARIF puts it in rule tags.
 */
export const CrosswalkSchema = z.strictObject({
  factors: z.array(z.number().int().min(1).max(12)).default([]),
  owasp: z.array(z.string().regex(/^ASI(0[1-9]|10)$/, 'OWASP agentic ids read ASI01-ASI10')).default([]),
});
export type Crosswalk = z.infer<typeof CrosswalkSchema>;

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
  /** Where the fix belongs when the primitive is absent: the landmark the report points at. */
  fixAt: z.enum(['loop', 'model-call', 'tool-exec', 'tool-def', 'entry']).optional(),
  /** How to close the gap. */
  fix: z.string(),
  /** The test that would confirm the fix. */
  acceptance: z.strictObject({ name: z.string(), given: z.string(), then: z.string() }),
  /** 12-factor-agents factors and OWASP agentic (ASI) ids this primitive answers, where one fits. */
  crosswalk: CrosswalkSchema.optional(),
});
export type Primitive = z.infer<typeof PrimitiveSchema>;

/** Landmark ids of the harness model (`shell-exec` comes from rubrics/extended.yaml). */
export const LandmarkIdSchema = z.enum(['model-call', 'tool-call-read', 'tool-exec', 'tool-def', 'shell-exec']);
export type LandmarkId = z.infer<typeof LandmarkIdSchema>;

/**
 * Landmarks as data: each a description and signals (same matching as criteria).
 * - model-call: where the language model is called;
 * - tool-call-read: where the model's tool calls are read (tool_use, tool_calls, function calls);
 * - tool-exec: where a tool implementation is executed (registry lookup then call, a switch
 *   over tool names, execute/run/invoke on a tool object);
 * - tool-def: tool definitions;
 * - shell-exec: where a shell command is executed (optional; the extended rubric adds it).
 */
const LandmarkSchema = z.strictObject({ description: z.string(), signals: z.array(SignalSchema).min(1) });
export type Landmark = z.infer<typeof LandmarkSchema>;
/** A name test: whole-word phrases (src/rubric/words.ts) on the name's words, or a regex on the name itself. */
const NameTestSchema = z
  .strictObject({ words: z.array(z.string().min(1)).min(1).optional(), pattern: z.string().min(1).optional() })
  .refine((t) => !!t.words !== !!t.pattern, { message: 'a name test has either words or a pattern' });
export type NameTest = z.infer<typeof NameTestSchema>;
/**
 * The tool-def landmark also says which declarations are tool implementations (the `tool-impl`
 * relation): methods with these names in files that define tools (`execute`, `_run`), and every
 * method of a class with such a name (`WriteFileTool`).
 */
const ToolDefLandmarkSchema = LandmarkSchema.extend({
  implementations: z.strictObject({ methods: NameTestSchema, classes: NameTestSchema }),
});
export const LandmarksSchema = z.strictObject({
  'model-call': LandmarkSchema,
  'tool-call-read': LandmarkSchema,
  'tool-exec': LandmarkSchema,
  'tool-def': ToolDefLandmarkSchema,
  'shell-exec': LandmarkSchema.optional(),
});

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
      /** Factor for evidence of a criterion with `where` that sits in none of its relations (0..1). */
      untied: z.number().min(0).max(1).default(0.25),
    }),
    /** The harness model's landmarks (src/model): what a model call, a tool execution... looks like. */
    landmarks: LandmarksSchema,
    /** Repository-level context: is there an LLM, an agent loop, mutating tools, sub-agents... */
    context: z.array(CriterionSchema.extend({ id: ContextFlagSchema })),
    /** Upgrade-path phases, in order. */
    phases: z.array(PhaseSchema).min(1),
    primitives: z.array(PrimitiveSchema).min(1),
    /** The extended checks (rubrics/extended.yaml, loaded beside the core file): scored apart from the primitives. */
    extended: z.array(PrimitiveSchema).default([]),
    /** Framework profiles (rubrics/frameworks/*.yaml, loaded beside the core file). */
    frameworks: z.array(z.lazy(() => FrameworkProfileSchema)).default([]),
  })
  .superRefine((r, ctx) => {
    const phaseIds = new Set(r.phases.map((p) => p.id));
    const seen = new Set<string>();
    const all = [...r.primitives.map((p, i) => [p, 'primitives', i] as const), ...r.extended.map((p, i) => [p, 'extended', i] as const)];
    all.forEach(([p, key, i]) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate primitive id "${p.id}"` });
      seen.add(p.id);
      if (!phaseIds.has(p.phase)) ctx.addIssue({ code: 'custom', path: [key, i, 'phase'], message: `unknown phase "${p.phase}"` });
      const crit = new Set(p.criteria.map((c) => c.id));
      for (const v of ['present', 'partial'] as const) {
        p.verdict[v].forEach((conj, j) => conj.forEach((c, k) => {
          if (!crit.has(c)) ctx.addIssue({ code: 'custom', path: [key, i, 'verdict', v, j, k], message: `unknown criterion "${c}"` });
        }));
      }
    });
  });
export type Rubric = z.infer<typeof RubricSchema>;

/**
 * rubrics/extended.yaml: the six extended checks of PRIMITIVES.md ("Extended checks") in the
 * primitive schema, plus landmarks they add to the harness model (`shell-exec`). Loaded beside
 * the core rubric; phases refer to the core file's phases.
 */
export const ExtendedRubricSchema = z.strictObject({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  landmarks: z.strictObject({ 'shell-exec': LandmarkSchema.optional() }).default({}),
  primitives: z.array(PrimitiveSchema).min(1),
});
export type ExtendedRubric = z.infer<typeof ExtendedRubricSchema>;

const kebab = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case');

/**
 * A framework option: a signal matched in the app's own files that import the framework (an
 * option it passes, a helper it calls), and the criteria of primitives it satisfies there.
 */
export const FrameworkOptionSchema = z.strictObject({
  ...SignalFields,
  /** Criteria this option satisfies: `primitive` is a core or extended id, `criterion` one of its criteria. */
  satisfies: z.array(z.strictObject({ primitive: kebab, criterion: kebab })).default([]),
  /** Context flags the option sets (a graph of steps makes the app a workflow). */
  flags: z.array(z.lazy(() => ContextFlagSchema)).default([]),
}).refine(...needsMatcher).refine((o) => o.satisfies.length > 0 || o.flags.length > 0, { message: 'an option satisfies a criterion or sets a flag' });
export type FrameworkOption = z.infer<typeof FrameworkOptionSchema>;

/**
 * A framework profile (rubrics/frameworks/<id>.yaml, issue 15): how an application built on an
 * agent framework shows the harness model's landmarks, and which criteria the options it passes
 * satisfy. A profile is active for a repository only when (1) a source file imports one of
 * `packages`, (2) that file calls a `run` signal (the app hands its loop to the framework) and
 * (3) some importing file matches `requires` (e.g. it passes `tools`), and (4) the repository is
 * not the framework itself (no manifest declares a package name matching `packages`).
 */
export const FrameworkProfileSchema = z.strictObject({
  version: z.literal(1),
  id: kebab,
  title: z.string(),
  /** Public documentation or source the names were read from. */
  docs: z.array(z.string().url()).min(1),
  languages: z.array(LanguageSchema).min(1),
  /** Regexes over the normalized import specifier (lowercase, `-` and `_` removed) that name the framework. */
  packages: z.array(regexString).min(1),
  landmarks: z.strictObject({
    /** The app's call into the framework's agent loop: a model call whose tool execution the framework does. */
    run: z.array(SignalSchema).min(1),
    /** The framework's tool definition helper. */
    'tool-def': z.array(SignalSchema).optional(),
  }),
  /** Something an importing file must also hold for the profile to apply (e.g. a `tools` option). */
  requires: z.array(SignalSchema).optional(),
  options: z.array(FrameworkOptionSchema).default([]),
});
export type FrameworkProfile = z.infer<typeof FrameworkProfileSchema>;
