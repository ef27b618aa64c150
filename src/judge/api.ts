import { ConfigError, UsageError } from '../util/errors.js';
import { anthropicCaller, DEFAULT_MODEL, type Caller } from './anthropic.js';
import { loadPriceTable, priceOf, type BudgetLimits, type Price } from './budget.js';

/** Default hard limits of one judge run (or one `design --brief-text` call). */
export const DEFAULT_LIMITS: Required<BudgetLimits> = { maxInputTokens: 200_000, maxOutputTokens: 24_000, maxCostUsd: 1 };

/** Everything a Messages API user in plumbline needs before its first call. */
export interface ApiSetup {
  model: string;
  price: Price;
  limits: Required<BudgetLimits>;
  /** Undefined only in a dry run. */
  caller?: Caller;
  /** `anthropic:<host>`, for the audit log and dry-run output. */
  destination: string;
}

/** Options of `apiSetup`; undefined fields take the defaults. */
export interface ApiSetupOptions {
  model?: string;
  priceTable?: string;
  limits?: BudgetLimits;
  apiKey?: string;
  baseURL?: string;
  dryRun?: boolean;
  timeoutMs?: number;
  maxRetries?: number;
  /** A ready sender (tests, embedders): skips the SDK client and the key check. */
  caller?: Caller;
  /** What to suggest when ANTHROPIC_API_KEY is missing. */
  noKeyHint: string;
}

/**
 * Shared set-up of the judge and `design --brief-text`: model and price (a model without a price
 * cannot be held to `--max-cost`), limits over the defaults, the SDK sender and its destination.
 * @throws ConfigError (no price, no API key outside a dry run), UsageError (bad --base-url)
 */
export async function apiSetup(o: ApiSetupOptions): Promise<ApiSetup> {
  const model = o.model ?? DEFAULT_MODEL;
  const price = priceOf(loadPriceTable(o.priceTable), model);
  if (!price) throw new ConfigError(`no price known for model ${model}: pass --price-table FILE with its USD/MTok prices, so --max-cost can be enforced`);
  const limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(o.limits ?? {}).filter(([, v]) => v !== undefined)) };
  if (o.baseURL) {
    try {
      new URL(o.baseURL);
    } catch {
      throw new UsageError(`--base-url must be a URL, got "${o.baseURL}"`);
    }
  }
  let caller = o.caller;
  if (!caller && !o.dryRun) {
    const apiKey = o.apiKey ?? process.env.ANTHROPIC_API_KEY;
    if (!apiKey) throw new ConfigError(`ANTHROPIC_API_KEY is not set: export it, or ${o.noKeyHint}`);
    caller = await anthropicCaller({ apiKey, baseURL: o.baseURL, timeoutMs: o.timeoutMs, maxRetries: o.maxRetries });
  }
  const destination = caller?.destination ?? `anthropic:${new URL(o.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').host}`;
  return { model, price, limits, caller, destination };
}
