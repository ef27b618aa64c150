/**
 * plumbline library API. The CLI (src/cli) is one client of it.
 * - evaluate(): the static audit (scan -> extract -> detect -> score), PRIMITIVES.md verdicts.
 * - loadRubric(): load and validate a rubric YAML.
 * - renderers: report renderers by format name.
 * - judge(): the optional advisory LLM review of a static report (API or host worksheet).
 */
export { evaluate, type EvaluateOptions, type EvaluateEvent } from './evaluate.js';
export { loadRubric, CORE_RUBRIC_PATH, type LoadedRubric } from './rubric/load.js';
export type { Rubric, Primitive, Signal, Criterion, Verdict, Severity, FactKind, Role } from './rubric/schema.js';
export { ReportSchema, REPORT_SCHEMA_VERSION, type Report, type Finding, type PrimitiveResult } from './report/schema.js';
export { renderers, FORMATS, type Format } from './report/index.js';
export { PlumblineError, UsageError, TargetError, RubricError, ConfigError, InternalError } from './util/errors.js';
export { VERSION } from './version.js';
export { judge, DEFAULT_MODEL, DEFAULT_PRICES, DEFAULT_LIMITS, type JudgeOptions, type JudgeOutcome, type JudgeEvent, type DryRunRequest, type JudgeMode } from './judge/index.js';
export { JudgeSectionSchema, JudgeAnswerSchema, WorksheetSchema, type JudgeSection, type JudgeReview, type Worksheet } from './judge/schema.js';
export { redactSecrets, isSensitivePath } from './judge/redact.js';
