import { z } from 'zod';
import { readJsonFile } from '../util/json.js';
import type { StopReason } from './schema.js';

/** Price of one model in USD per million tokens (MTok). */
export const PriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
});
export type Price = z.infer<typeof PriceSchema>;
export const PriceTableSchema = z.record(z.string(), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/**
 * Built-in prices (USD/MTok, published list prices; 5-minute cache writes). Override or extend
 * with `--price-table FILE` (JSON `{ "<model>": { input, output, cacheWrite, cacheRead } }`).
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.4 },
  'claude-opus-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-fable-5-1': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-opus-4-6': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
};

/** Loads a price table file and merges it over the defaults. @throws ConfigError */
export function loadPriceTable(file: string | undefined): PriceTable {
  if (!file) return DEFAULT_PRICES;
  return { ...DEFAULT_PRICES, ...readJsonFile(file, PriceTableSchema, 'the price table') };
}

/** Looks up a model's price: exact id, else the id without a `-YYYYMMDD` snapshot suffix. */
export function priceOf(table: PriceTable, model: string): Price | undefined {
  return table[model] ?? table[model.replace(/-\d{8}$/, '')];
}

/** Token counts of one call; `input` excludes cache reads and writes (the API's convention). */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** USD cost of a usage at a price. */
export function costOf(u: TokenUsage, p: Price): number {
  return (u.input * p.input + u.output * p.output + u.cacheRead * p.cacheRead + u.cacheWrite * p.cacheWrite) / 1e6;
}

/** Hard limits of a judge run. Undefined = no limit on that axis. */
export interface BudgetLimits {
  maxInputTokens?: number;
  maxOutputTokens?: number;
  maxCostUsd?: number;
}

/**
 * The judge's token budget (PRIMITIVES.md `token-budget`): a ledger of what was spent and a
 * pre-call check. `check` projects the next call at its worst case (all input tokens charged
 * as cache writes, the full `max_tokens` of output) and refuses it when any limit would be
 * crossed, so a limit is never exceeded by a call plumbline chose to make.
 */
export class Budget {
  readonly spent: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  costUsd = 0;

  constructor(readonly limits: BudgetLimits, readonly price: Price) {}

  /** Input tokens counted against `maxInputTokens`: all prompt tokens, cached or not. */
  get inputTokens(): number {
    return this.spent.input + this.spent.cacheRead + this.spent.cacheWrite;
  }

  /** Worst-case cost of a call of `inputTokens` prompt tokens and `maxOutput` output tokens. */
  projectCost(inputTokens: number, maxOutput: number): number {
    return (inputTokens * Math.max(this.price.input, this.price.cacheWrite) + maxOutput * this.price.output) / 1e6;
  }

  /**
   * @returns null when the call fits, else the structured stop reason (the call must not be made)
   */
  check(primitive: string, inputTokens: number, maxOutput: number): StopReason | null {
    const { maxInputTokens, maxOutputTokens, maxCostUsd } = this.limits;
    if (maxInputTokens !== undefined && this.inputTokens + inputTokens > maxInputTokens) {
      return { code: 'max-input-tokens', primitive, message: `the ${primitive} call (~${inputTokens} input tokens) would exceed --max-input-tokens ${maxInputTokens} (spent ${this.inputTokens})` };
    }
    if (maxOutputTokens !== undefined && this.spent.output + maxOutput > maxOutputTokens) {
      return { code: 'max-output-tokens', primitive, message: `the ${primitive} call (up to ${maxOutput} output tokens) would exceed --max-output-tokens ${maxOutputTokens} (spent ${this.spent.output})` };
    }
    const projected = this.projectCost(inputTokens, maxOutput);
    if (maxCostUsd !== undefined && this.costUsd + projected > maxCostUsd) {
      return { code: 'max-cost', primitive, message: `the ${primitive} call (up to $${projected.toFixed(4)}) would exceed --max-cost $${maxCostUsd} (spent $${this.costUsd.toFixed(4)})` };
    }
    return null;
  }

  /**
   * The usage a call is charged with: the larger of what the server reported and what plumbline
   * projected, so a server that under-reports (`input_tokens: 0`) cannot open the budget.
   * Missing input tokens are charged at the dearer of the input and cache-write prices.
   * @param reported usage from the response
   * @param projectedInput prompt tokens plumbline estimated for the request
   * @param minOutput output tokens estimated from the answer actually received
   */
  countedUsage(reported: TokenUsage, projectedInput: number, minOutput: number): TokenUsage {
    const u = { ...reported };
    const missing = projectedInput - (u.input + u.cacheRead + u.cacheWrite);
    if (missing > 0) {
      if (this.price.cacheWrite > this.price.input) u.cacheWrite += missing;
      else u.input += missing;
    }
    u.output = Math.max(u.output, minOutput);
    return u;
  }

  /** Records the usage of a call (see `countedUsage`). @returns its cost in USD */
  record(u: TokenUsage): number {
    this.spent.input += u.input;
    this.spent.output += u.output;
    this.spent.cacheRead += u.cacheRead;
    this.spent.cacheWrite += u.cacheWrite;
    const c = costOf(u, this.price);
    this.costUsd += c;
    return c;
  }
}
