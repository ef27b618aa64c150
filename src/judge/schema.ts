import { z } from 'zod';
import { VerdictSchema } from '../rubric/schema.js';

/**
 * Schemas of the optional LLM judge (issue 3). zod is the single source: the answer schema is
 * also the JSON Schema of the `submit_review` tool the model must call, and the worksheet
 * schema is what a host agent (`--judge host`) fills in.
 */

/** What a judge says about one primitive. Bounded sizes so an answer cannot flood a report. */
export const JudgeAnswerSchema = z
  .object({
    verdict: VerdictSchema.describe('the verdict the cited evidence supports, by the rubric definitions'),
    confidence: z.enum(['high', 'medium', 'low']),
    rationale: z.string().min(1).max(1500).describe('why, in at most a few sentences, naming the code read'),
    evidenceIds: z.array(z.string().max(80)).max(16).describe('ids of the evidence items relied on; only ids that were shown'),
    findingText: z.string().max(800).describe('what the finding should say to the team (empty when the verdict is present)'),
  })
  .strict();
export type JudgeAnswer = z.infer<typeof JudgeAnswerSchema>;

/** Outcome of judging one primitive. */
export const ReviewStatusSchema = z.enum([
  'judged', // a fresh, valid answer
  'cached', // a valid answer from the content-hash cache; nothing was sent
  'discarded', // the answer failed the schema or cited evidence that was not sent
  'failed', // the call failed after retries (timeout, 5xx, connection)
  'skipped', // not sent: no evidence, budget stop, open breaker, not applicable
  'dry-run', // would have been sent
]);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

/** Structured reason the judge stopped before reviewing everything. */
export const StopReasonSchema = z.object({
  code: z.enum(['max-input-tokens', 'max-output-tokens', 'max-cost', 'circuit-open', 'deadline', 'not-applicable']),
  message: z.string(),
  primitive: z.string().nullable().describe('the primitive whose call was not made'),
});
export type StopReason = z.infer<typeof StopReasonSchema>;

/** One primitive's review as shown in the report, static and judge verdicts side by side. */
export const JudgeReviewSchema = z.object({
  primitive: z.string(),
  status: ReviewStatusSchema,
  staticVerdict: VerdictSchema,
  judgeVerdict: VerdictSchema.nullable(),
  agrees: z.boolean().nullable().describe('null when there is no valid judge verdict'),
  confidence: z.enum(['high', 'medium', 'low']).nullable(),
  rationale: z.string().nullable(),
  citedEvidence: z.array(z.string()),
  findingText: z.string().nullable(),
  /** True when a sent evidence item contains text addressed to an AI reviewer (prompt injection). */
  suspicious: z.boolean(),
  /** `--judge-mode adjust` only: whether the judge verdict replaced the static one, and why (not). */
  applied: z.boolean(),
  note: z.string().describe('why discarded/skipped/not applied; empty otherwise'),
});
export type JudgeReview = z.infer<typeof JudgeReviewSchema>;

/** Token and cost totals of a judge run (USD; tokens as reported by the API). */
export const JudgeUsageSchema = z.object({
  calls: z.number().int().describe('HTTP requests that left the machine, retries included'),
  cacheHits: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  costUsd: z.number(),
  redactions: z.number().int().describe('secrets replaced before sending'),
  withheldFiles: z.number().int().describe('evidence items not sent because their file is sensitive (.env, keys)'),
});
export type JudgeUsage = z.infer<typeof JudgeUsageSchema>;

/** The report's `judge` section. Absent when no judge ran. */
export const JudgeSectionSchema = z.object({
  source: z.enum(['anthropic', 'host']),
  model: z.string().nullable(),
  mode: z.enum(['advisory', 'adjust']),
  stopReason: StopReasonSchema.nullable(),
  usage: JudgeUsageSchema,
  disagreements: z.number().int(),
  reviews: z.array(JudgeReviewSchema),
});
export type JudgeSection = z.infer<typeof JudgeSectionSchema>;

/** One evidence item as the judge sees it: redacted code with a few lines of context. */
export const PacketEvidenceSchema = z.object({
  id: z.string(),
  file: z.string(),
  line: z.number().int(),
  signal: z.string(),
  criterion: z.string(),
  startLine: z.number().int(),
  code: z.string(),
});
export type PacketEvidence = z.infer<typeof PacketEvidenceSchema>;

/** A host-judge worksheet item: what the host agent reads, and the `review` it fills in. */
export const WorksheetItemSchema = z.object({
  primitive: z.string(),
  title: z.string(),
  what: z.string(),
  criteria: z.array(z.object({ id: z.string(), description: z.string(), met: z.boolean() })),
  verdictRules: z.string(),
  staticVerdict: VerdictSchema,
  staticRationale: z.string(),
  evidence: z.array(PacketEvidenceSchema),
  review: JudgeAnswerSchema.nullable().describe('filled in by the host agent; null to leave the primitive unjudged'),
});

/**
 * The `--judge host` worksheet (JSON). The host agent fills each item's `review` and hands the
 * file back with `--judge-results`. `evidenceHash` ties it to one static run: results for
 * another run are refused.
 */
export const WorksheetSchema = z.object({
  kind: z.literal('plumbline-judge-worksheet'),
  schemaVersion: z.literal(1),
  target: z.string(),
  rubric: z.string(),
  evidenceHash: z.string(),
  instructions: z.string(),
  items: z.array(WorksheetItemSchema),
});
export type Worksheet = z.infer<typeof WorksheetSchema>;
export type WorksheetItem = z.infer<typeof WorksheetItemSchema>;

/**
 * A host agent's review handed back without a file (the MCP tool `merge_judge_results`): the
 * worksheet's `evidenceHash` and, per reviewed primitive, its `review`. A whole filled worksheet
 * also fits (its other keys are ignored).
 */
export const JudgeResultsSchema = z.object({
  evidenceHash: WorksheetSchema.shape.evidenceHash.describe('the evidenceHash of the worksheet these reviews answer'),
  items: z.array(WorksheetItemSchema.pick({ primitive: true, review: true })).describe('one entry per reviewed primitive'),
});
export type JudgeResults = z.infer<typeof JudgeResultsSchema>;

/** JSON Schema of the answer, as the `submit_review` tool's `input_schema` (built once; do not mutate). */
export function answerJsonSchema(): Record<string, unknown> {
  if (!answerSchemaJson) {
    answerSchemaJson = z.toJSONSchema(JudgeAnswerSchema) as Record<string, unknown>;
    delete answerSchemaJson.$schema;
  }
  return answerSchemaJson;
}
let answerSchemaJson: Record<string, unknown> | undefined;
