import type { Report } from '../report/schema.js';
import type { LoadedRubric } from '../rubric/load.js';
import { resolveTarget } from '../scan/scan.js';
import { ConfigError, UsageError } from '../util/errors.js';
import { userCacheDir, writeFileAtomic } from '../util/fs.js';
import { join } from 'node:path';
import { AuditLog, defaultAuditPath } from './audit.js';
import { loadPriceTable, priceOf, type BudgetLimits } from './budget.js';
import { JudgeCache } from './cache.js';
import { anthropicCaller, DEFAULT_MODEL, type Caller } from './anthropic.js';
import { buildWorksheet, readJudgeResults, worksheetMarkdown } from './host.js';
import { mergeJudge, type JudgeMode } from './merge.js';
import { runJudge, type DryRunRequest, type JudgeEvent } from './run.js';

export { DEFAULT_MODEL } from './anthropic.js';
export { DEFAULT_PRICES } from './budget.js';
export type { JudgeEvent, DryRunRequest } from './run.js';
export type { JudgeMode } from './merge.js';

/**
 * Options of `judge()`. Defaults: mode advisory, model DEFAULT_MODEL, limits 200,000 input
 * tokens / 24,000 output tokens / $1.00, audit log in the user cache dir, cache on.
 */
export interface JudgeOptions {
  /** `anthropic`: the Messages API; `host`: write a worksheet, or merge `results` when given. */
  judge: 'anthropic' | 'host';
  target: string;
  mode?: JudgeMode;
  model?: string;
  baseURL?: string;
  /** Defaults to `process.env.ANTHROPIC_API_KEY`. */
  apiKey?: string;
  limits?: BudgetLimits;
  /** JSON price table merged over the built-in one. */
  priceTable?: string;
  dryRun?: boolean;
  /** JSONL audit log path; `null` disables it (default: `<cache>/audit/judge.jsonl`). */
  auditLog?: string | null;
  cache?: boolean;
  /** Host mode: where to write the worksheet (default `<cache>/worksheets/<target>-<hash>.json`). */
  worksheet?: string;
  /** Host mode: a filled worksheet to validate and merge. */
  results?: string;
  timeoutMs?: number;
  maxRetries?: number;
  maxTokensPerCall?: number;
  maxEvidence?: number;
  /** For tests and embedders: a ready sender (skips the SDK client). */
  caller?: Caller;
  onEvent?: (e: JudgeEvent) => void;
}

/** What `judge()` returns: the merged report, plus the dry-run requests or the worksheet path. */
export interface JudgeOutcome {
  report: Report;
  dryRun?: DryRunRequest[];
  worksheet?: { json: string; markdown: string };
}

export const DEFAULT_LIMITS: Required<BudgetLimits> = { maxInputTokens: 200_000, maxOutputTokens: 24_000, maxCostUsd: 1 };

/**
 * Adds the advisory LLM review to a static report (issue 3). The static engine keeps the
 * verdicts and the score unless `mode: 'adjust'` (see mergeJudge). API failures never throw:
 * they are recorded in the report's `judge` section and the audit log.
 * @throws ConfigError (missing key, unknown price, bad results file), UsageError (bad options)
 */
export async function judge(report: Report, loaded: LoadedRubric, opts: JudgeOptions): Promise<JudgeOutcome> {
  const root = resolveTarget(opts.target);
  const mode = opts.mode ?? 'advisory';
  const audit = new AuditLog(opts.auditLog === undefined ? defaultAuditPath() : opts.auditLog);
  const packetOpts = { maxEvidence: opts.maxEvidence };

  if (opts.judge === 'host') {
    if (opts.results) {
      const run = await readJudgeResults(opts.results, report, loaded.rubric, root, packetOpts);
      return { report: mergeJudge(report, loaded.rubric, run, { mode, source: 'host', model: null }) };
    }
    const { worksheet } = await buildWorksheet(report, loaded.rubric, root, packetOpts);
    const json = opts.worksheet ?? join(userCacheDir(), 'worksheets', `${worksheet.target.replace(/[^A-Za-z0-9._-]/g, '_')}-${worksheet.evidenceHash.slice(0, 12)}.json`);
    const markdown = json.replace(/\.json$/i, '') + '.md';
    writeFileAtomic(json, JSON.stringify(worksheet, null, 2) + '\n');
    writeFileAtomic(markdown, worksheetMarkdown(worksheet));
    for (const it of worksheet.items) {
      audit.append({
        time: new Date().toISOString(), destination: `host-worksheet:${json}`, model: null, primitive: it.primitive, requestHash: worksheet.evidenceHash.slice(0, 16),
        inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, cacheHit: false, attempts: 0,
        redactions: 0, withheldFiles: 0, outcome: 'worksheet', detail: `${it.evidence.length} evidence item(s) written for the host agent`,
      });
    }
    return { report, worksheet: { json, markdown } };
  }

  const model = opts.model ?? DEFAULT_MODEL;
  const price = priceOf(loadPriceTable(opts.priceTable), model);
  if (!price) throw new ConfigError(`no price known for model ${model}: pass --price-table FILE with its USD/MTok prices, so --max-cost can be enforced`);
  const limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)) };
  let caller = opts.caller;
  if (!caller && !opts.dryRun) {
    const apiKey = opts.apiKey ?? process.env.ANTHROPIC_API_KEY;
    if (!apiKey) throw new ConfigError('ANTHROPIC_API_KEY is not set: export it, or use --judge host (no API) or --dry-run (sends nothing)');
    if (opts.baseURL) {
      try {
        new URL(opts.baseURL);
      } catch {
        throw new UsageError(`--base-url must be a URL, got "${opts.baseURL}"`);
      }
    }
    caller = await anthropicCaller({ apiKey, baseURL: opts.baseURL, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries });
  }
  const destination = caller?.destination ?? `anthropic:${new URL(opts.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').host}`;
  const run = await runJudge(report, {
    root, rubric: loaded.rubric, model, caller, destination, limits, price, maxTokensPerCall: opts.maxTokensPerCall,
    cache: new JudgeCache(opts.cache !== false), audit, dryRun: opts.dryRun, packets: packetOpts, onEvent: opts.onEvent,
  });
  const merged = mergeJudge(report, loaded.rubric, run, { mode, source: 'anthropic', model });
  return opts.dryRun ? { report: merged, dryRun: run.dryRun } : { report: merged };
}
