import { z } from 'zod';
import { SeveritySchema, VerdictSchema, ContextFlagSchema } from '../rubric/schema.js';

/**
 * The JSON report, schema-versioned (`schemaVersion`). This zod schema is the single source of
 * truth; `schema/report.schema.json` is generated from it (`npm run schema`).
 * Contract with ../shared/eval/score.mjs: `primitives[].id` and `primitives[].verdict`.
 */
import { REPORT_SCHEMA_VERSION } from './version.js';
import { JudgeSectionSchema } from '../judge/schema.js';
export { REPORT_SCHEMA_VERSION };

export const EvidenceSchema = z.object({
  id: z.string().describe('stable within a report, e.g. "permissions#2"; cited by judges'),
  criterion: z.string(),
  signal: z.string(),
  file: z.string().describe('repository-relative path'),
  line: z.number().int().positive(),
  snippet: z.string(),
  strength: z.number().describe('signal weight x reachability x wired-in factors'),
  reachable: z.boolean(),
  wired: z.boolean(),
  tied: z.boolean().describe('false when the criterion says where evidence must sit and this item sits elsewhere'),
  relation: z.string().nullable().describe('the relation to the harness model that ties it (tool-path, before-model, loop...), or "framework" for a framework option'),
  origin: z.string().optional().describe('"framework:<id>" when this is an option the app passes to an agent framework; absent for the app\'s own code'),
});

export const ConfidenceSchema = z.enum(['high', 'medium', 'low']);
export const ShapeSchema = z.enum(['coding-agent', 'chat-assistant', 'workflow-orchestrator', 'agent-sdk', 'not-an-agent']);

export const PrimitiveResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  tier: z.number().int().min(1).max(3),
  verdict: VerdictSchema,
  confidence: ConfidenceSchema,
  severity: SeveritySchema.nullable().describe('gap severity; null when present or not applicable'),
  rationale: z.string(),
  chain: z.string().optional().describe('call chain from the agent loop to the mechanism'),
  fixAt: z.string().optional().describe('where the fix belongs, from the harness model'),
  origin: z.string().optional().describe('with a framework in use: "app", "framework:<id>" or "app+framework:<id>", where the evidence of the verdict comes from'),
  group: z.enum(['core', 'extended']).optional().describe('"core" for the 12 primitives, "extended" for the extended checks (scored apart in `extended`)'),
  crosswalk: z.object({ factors: z.array(z.number().int()), owasp: z.array(z.string()) }).optional().describe('12-factor-agents factors and OWASP agentic (ASI) ids'),
  criteria: z.record(z.string(), z.object({ strength: z.number(), min: z.number(), met: z.boolean() })),
  evidence: z.array(EvidenceSchema),
});

export const FindingSchema = z.object({
  id: z.string().describe('finding id: the primitive id'),
  ruleId: z.string().describe('"plumbline/<primitive-id>"'),
  title: z.string(),
  verdict: VerdictSchema,
  severity: SeveritySchema,
  message: z.string(),
  severityReason: z.string(),
  evidence: z.array(z.string()).describe('evidence ids'),
  fix: z.string(),
  phase: z.string(),
  fingerprint: z.string().describe('stable key of the gap: primitive, verdict and severity (no line numbers); baselines and SARIF use it'),
  suppressed: z
    .object({ by: z.enum(['comment', 'config']), reason: z.string(), file: z.string().nullable(), line: z.number().int().nullable() })
    .optional()
    .describe('present when a suppression with a reason covers the finding; suppressed findings never fail a gate'),
  baseline: z.enum(['new', 'unchanged']).optional().describe('with --baseline: whether the gap was already in the baseline (unchanged gaps never fail a gate)'),
});

export const PhaseResultSchema = z.object({
  order: z.number().int().positive(),
  id: z.string(),
  title: z.string(),
  goal: z.string(),
  findings: z.array(z.string()),
});

export const AcceptanceTestSchema = z.object({
  finding: z.string(),
  name: z.string(),
  given: z.string(),
  then: z.string(),
});

const MapPlaceSchema = z.object({ name: z.string(), file: z.string(), line: z.number().int() });

/** The harness map (src/model/map.ts): loop, model calls, tool execution and what is attached to them. */
export const HarnessMapSchema = z.object({
  loops: z.array(MapPlaceSchema.extend({ fromEntry: z.array(MapPlaceSchema), hopsToModel: z.number().int(), hopsToTools: z.number().int().nullable() })),
  modelCalls: z.array(MapPlaceSchema),
  toolCallReads: z.array(MapPlaceSchema),
  toolExecution: z.array(MapPlaceSchema),
  toolDefinitions: z.object({ count: z.number().int(), first: z.array(MapPlaceSchema) }),
  attached: z.array(MapPlaceSchema.extend({ primitive: z.string(), relation: z.string() })),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('plumbline'), version: z.string() }),
  rubric: z.object({
    id: z.string(),
    hash: z.string(),
    custom: z
      .object({ file: z.string().describe('relative to the target when inTarget, else absolute'), inTarget: z.boolean() })
      .optional()
      .describe('set when the rubric is not the bundled rubrics/core.yaml; every format names it'),
  }),
  target: z.object({
    name: z.string(),
    lister: z.enum(['git', 'walk']),
    files: z.number().int(),
    parsed: z.number().int(),
    languages: z.record(z.string(), z.number().int()),
    roles: z.record(z.string(), z.number().int()),
    skipped: z.object({
      excluded: z.number().int(), tooLarge: z.number().int(), binary: z.number().int(), nonUtf8: z.number().int(),
      symlink: z.number().int(), unreadable: z.number().int(), empty: z.number().int(),
    }),
    entryPoints: z.array(z.string()),
  }),
  context: z.object({
    shape: ShapeSchema,
    flags: z.array(ContextFlagSchema),
    summary: z.string(),
    evidence: z.record(z.string(), z.array(EvidenceSchema)),
  }),
  harness: HarnessMapSchema.describe('the harness model: where the loop, the model calls and tool execution are'),
  applicable: z.boolean().describe('false when the target is not an agent harness'),
  score: z.number().int().min(0).max(100).nullable(),
  summary: z.object({ present: z.number().int(), partial: z.number().int(), absent: z.number().int() }),
  primitives: z.array(PrimitiveResultSchema),
  findings: z.array(FindingSchema),
  upgradePath: z.array(PhaseResultSchema),
  acceptanceTests: z.array(AcceptanceTestSchema),
  suppressions: z
    .object({
      applied: z.number().int(),
      invalid: z.array(z.object({ file: z.string(), line: z.number().int().nullable(), problem: z.string() })),
    })
    .optional()
    .describe('in-source and config suppressions: how many applied, and the ones ignored (no reason, unknown primitive)'),
  frameworks: z.array(z.object({ id: z.string(), title: z.string(), runs: z.array(MapPlaceSchema) })).optional()
    .describe('agent frameworks the app is built on: it imports one and hands its loop to it (the run calls)'),
  extended: z.object({
    score: z.number().int().min(0).max(100).nullable(),
    summary: z.object({ present: z.number().int(), partial: z.number().int(), absent: z.number().int() }),
    findings: z.array(FindingSchema),
  }).optional().describe('the extended checks (PRIMITIVES.md "Extended checks"): their own score, summary and gaps, apart from the core score and gates'),
  judge: JudgeSectionSchema.optional().describe('advisory LLM review (absent unless --judge ran); static and judge verdicts side by side'),
});

export type Report = z.infer<typeof ReportSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type PrimitiveResult = z.infer<typeof PrimitiveResultSchema>;
