import type { Report } from '../report/schema.js';
import type { LoadedRubric } from '../rubric/load.js';
import { resolveTarget } from '../scan/scan.js';
import { userCacheDir, writeFileAtomic } from '../util/fs.js';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { AuditLog, defaultAuditPath } from './audit.js';
import type { BudgetLimits } from './budget.js';
import { apiSetup } from './api.js';
import { JudgeCache } from './cache.js';
import type { Caller } from './anthropic.js';
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
  /** Overall deadline of the API judge in ms (default 120,000); the static report is kept. */
  deadlineMs?: number;
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

export { DEFAULT_LIMITS } from './api.js';

/** Default overall deadline of an API judge run: 120 s. */
export const DEFAULT_DEADLINE_MS = 120_000;

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
  // adjust mode: comments, docstrings and long string literals never reach the judge (issue 12)
  const packetOpts = { maxEvidence: opts.maxEvidence, codeOnly: mode === 'adjust' };

  if (opts.judge === 'host') {
    if (opts.results) {
      const run = await readJudgeResults(opts.results, report, loaded.rubric, root, packetOpts);
      return { report: mergeJudge(report, loaded.rubric, run, { mode, source: 'host', model: null }) };
    }
    const { worksheet } = await buildWorksheet(report, loaded.rubric, root, packetOpts);
    const json = opts.worksheet ?? join(userCacheDir(), 'worksheets', `${worksheet.target.replace(/[^A-Za-z0-9._-]/g, '_')}-${worksheet.evidenceHash.slice(0, 12)}.json`);
    const markdown = json.replace(/\.json$/i, '') + '.md';
    try {
      writeFileAtomic(json, JSON.stringify(worksheet, null, 2) + '\n');
      writeFileAtomic(markdown, worksheetMarkdown(worksheet));
    } catch (err) {
      throw new UsageError(`cannot write the worksheet ${json}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (choose another --worksheet path)`);
    }
    for (const it of worksheet.items) {
      audit.append({
        time: new Date().toISOString(), destination: `host-worksheet:${json}`, model: null, primitive: it.primitive, requestHash: worksheet.evidenceHash.slice(0, 16),
        inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, cacheHit: false, attempts: 0,
        redactions: 0, withheldFiles: 0, outcome: 'worksheet', detail: `${it.evidence.length} evidence item(s) written for the host agent`,
      });
    }
    return { report, worksheet: { json, markdown } };
  }

  const { model, price, limits, caller, destination } = await apiSetup({
    model: opts.model, priceTable: opts.priceTable, limits: opts.limits, apiKey: opts.apiKey, baseURL: opts.baseURL, dryRun: opts.dryRun,
    timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries, caller: opts.caller, noKeyHint: 'use --judge host (no API) or --dry-run (sends nothing)',
  });
  const run = await runJudge(report, {
    root, rubric: loaded.rubric, model, caller, destination, limits, price, maxTokensPerCall: opts.maxTokensPerCall,
    cache: new JudgeCache(opts.cache !== false), audit, dryRun: opts.dryRun, packets: packetOpts, onEvent: opts.onEvent,
    deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS,
  });
  const merged = mergeJudge(report, loaded.rubric, run, { mode, source: 'anthropic', model });
  return opts.dryRun ? { report: merged, dryRun: run.dryRun } : { report: merged };
}
