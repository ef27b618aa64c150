import type { TokenUsage } from './budget.js';
import { ANSWER_TOOL } from './prompt.js';
import { answerJsonSchema } from './schema.js';

/** Default judge model: the current balanced Claude model (override with `--model`). */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/**
 * Request shape differences between model generations: Claude 4.6 and earlier accept
 * `temperature: 0` (stable answers); newer models reject sampling parameters and take an
 * `effort` level instead. Unknown models get neither (the API's defaults).
 */
export function modelTraits(model: string): { temperature: boolean; effort: boolean } {
  if (/^claude-(?:3|(?:sonnet|opus|haiku)-4(?:-[0-6])?(?:-\d{8})?$|haiku-4-5)/.test(model)) return { temperature: true, effort: false };
  if (/^claude-(?:sonnet|opus|haiku|fable|mythos)-5/.test(model)) return { temperature: false, effort: true };
  return { temperature: false, effort: false };
}

/**
 * The exact Messages API request body for one primitive. The system block (instructions +
 * rubric) carries `cache_control` so every call after the first reads it from the prompt cache.
 */
export function requestBody(model: string, system: string, user: string, maxTokens: number): Record<string, unknown> {
  const traits = modelTraits(model);
  return {
    model,
    max_tokens: maxTokens,
    system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
    tools: [{ name: ANSWER_TOOL, description: 'Submit your review of the static verdict for this primitive.', input_schema: answerJsonSchema() }],
    messages: [{ role: 'user', content: user }],
    ...(traits.temperature ? { temperature: 0 } : {}),
    ...(traits.effort ? { output_config: { effort: 'low' } } : {}),
  };
}

/** Result of one logical judge call (SDK retries included). */
export type CallResult =
  | { ok: true; toolInput: unknown; usage: TokenUsage; attempts: number }
  | { ok: false; error: string; attempts: number };

/** Options of the Anthropic caller. */
export interface AnthropicOptions {
  apiKey: string;
  /** Gateway or proxy base URL (default: the SDK's, which honours ANTHROPIC_BASE_URL). */
  baseURL?: string;
  /** Per-attempt timeout in ms (default 60,000). */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx and connection errors, with backoff honouring retry-after (default 2). */
  maxRetries?: number;
}

/**
 * A function that sends one request body and returns the input of the tool the body asked for
 * (`tool_choice.name`, else its first tool). `signal` aborts the call and its retries (the judge
 * deadline).
 */
export type Caller = ((body: Record<string, unknown>, signal?: AbortSignal) => Promise<CallResult>) & { destination: string };

/** The tool a request body asks the model to answer with: `tool_choice.name`, else the first tool. */
export function requestedToolOf(body: Record<string, unknown>): string {
  const choice = body.tool_choice as { name?: string } | undefined;
  const tools = body.tools as Array<{ name?: string }> | undefined;
  return choice?.name ?? tools?.[0]?.name ?? ANSWER_TOOL;
}

/**
 * Creates the caller over the official SDK (`@anthropic-ai/sdk`, loaded lazily). Retries, backoff
 * and retry-after handling are the SDK's; plumbline counts the HTTP attempts through a wrapped
 * `fetch` so the audit log records every request that left the machine.
 */
export async function anthropicCaller(opts: AnthropicOptions): Promise<Caller> {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  let attempts = 0;
  const client = new Anthropic({
    apiKey: opts.apiKey,
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: opts.maxRetries ?? 2,
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      attempts++;
      return fetch(input, init);
    },
  });
  const destination = `anthropic:${new URL(client.baseURL).host}`;
  const call = async (body: Record<string, unknown>, signal?: AbortSignal): Promise<CallResult> => {
    attempts = 0;
    // the answer is read from the tool the request asked for (submit_review, submit_brief...)
    const tool = requestedToolOf(body);
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const msg = await client.messages.create(body as any, signal ? { signal } : undefined);
      const u = msg.usage;
      const usage: TokenUsage = {
        input: u.input_tokens ?? 0,
        output: u.output_tokens ?? 0,
        cacheRead: u.cache_read_input_tokens ?? 0,
        cacheWrite: u.cache_creation_input_tokens ?? 0,
      };
      const block = msg.content.find((b) => b.type === 'tool_use' && b.name === tool) as { input: unknown } | undefined;
      return { ok: true, toolInput: block ? block.input : undefined, usage, attempts };
    } catch (err) {
      const e = err as { status?: number; name?: string; message?: string };
      const what = e.status ? `HTTP ${e.status}` : e.name === 'APIConnectionTimeoutError' ? 'timeout' : signal?.aborted || e.name === 'APIUserAbortError' ? 'deadline' : (e.name ?? 'error');
      return { ok: false, error: `${what}: ${(e.message ?? '').split('\n')[0]!.slice(0, 200)}`, attempts };
    }
  };
  return Object.assign(call, { destination });
}
