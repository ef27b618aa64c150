import { EXTENDED_NOT_SENT } from '../report/labels.js';
import type { Report } from '../report/schema.js';
import type { Rubric } from '../rubric/schema.js';
import { sha256 } from '../util/fs.js';
import { Budget, type BudgetLimits, type Price, type TokenUsage } from './budget.js';
import { CircuitBreaker } from './breaker.js';
import type { AuditLog, AuditEntry } from './audit.js';
import type { JudgeCache } from './cache.js';
import type { Caller } from './anthropic.js';
import { requestBody } from './anthropic.js';
import { buildPackets, type Packet, type PacketOptions } from './packet.js';
import { ANSWER_TOOL, PROMPT_VERSION, estimateTokens, systemPrompt, userMessage } from './prompt.js';
import { JudgeAnswerSchema, type JudgeAnswer, type JudgeReview, type JudgeUsage, type StopReason } from './schema.js';

/**
 * Typed judge progress events (PRIMITIVES.md `streaming-events`), rendered on stderr by the
 * CLI. One `judge-call` per primitive, then at most one `judge-stop`, then `judge-done`.
 */
export type JudgeEvent =
  | { type: 'judge-start'; source: 'anthropic' | 'host'; model: string | null; primitives: number; dryRun: boolean }
  | { type: 'judge-call'; primitive: string; status: JudgeReview['status']; inputTokens: number; outputTokens: number; costUsd: number; attempts: number; note: string }
  | { type: 'judge-stop'; reason: StopReason }
  | { type: 'judge-done'; usage: JudgeUsage };

/** One request the dry run would have sent, with its projection. */
export interface DryRunRequest {
  primitive: string;
  destination: string;
  body: Record<string, unknown>;
  projectedInputTokens: number;
  maxOutputTokens: number;
  projectedCostUsd: number;
  /** Set when the budget would have stopped the run before this request. */
  wouldStop: StopReason | null;
}

/** Everything the API judge needs. */
export interface JudgeRunOptions {
  root: string;
  rubric: Rubric;
  model: string;
  /** The sender; may be undefined only in a dry run. */
  caller?: Caller;
  destination: string;
  limits: BudgetLimits;
  price: Price;
  /** `max_tokens` of each call (default 2,048). */
  maxTokensPerCall?: number;
  cache: JudgeCache;
  audit: AuditLog;
  dryRun?: boolean;
  breakerThreshold?: number;
  /**
   * Overall deadline of the run in ms (default none): when it passes, the call in flight is
   * aborted (its retries too), no further call is made, and the run stops with `deadline`.
   */
  deadlineMs?: number;
  packets?: PacketOptions;
  onEvent?: (e: JudgeEvent) => void;
}

/** What a judge run produced, before merging into the report. */
export interface JudgeRun {
  reviews: JudgeReview[];
  usage: JudgeUsage;
  stopReason: StopReason | null;
  dryRun: DryRunRequest[];
}

/** Zeroed usage counters. */
export function emptyUsage(): JudgeUsage {
  return { calls: 0, cacheHits: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, redactions: 0, withheldFiles: 0 };
}

/**
 * Validates a raw answer against the schema and the packet that was sent: an answer citing an
 * evidence id that was not in the packet is discarded (it may be invented, or injected).
 */
export function validateAnswer(raw: unknown, packet: Packet): { answer: JudgeAnswer } | { error: string } {
  if (raw === undefined) return { error: `no ${ANSWER_TOOL} tool call in the response` };
  const r = JudgeAnswerSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { error: `answer failed the schema: ${i.path.map(String).join('.') || '(root)'}: ${i.message}` };
  }
  const sent = new Set(packet.evidence.map((e) => e.id));
  const unknown = r.data.evidenceIds.filter((id) => !sent.has(id));
  if (unknown.length) return { error: `answer cites evidence that was not sent: ${unknown.slice(0, 5).join(', ')}` };
  return { answer: r.data };
}

/** A review row for a primitive that got no valid answer. */
/**
 * Why a primitive has no packet: an extended check is never sent (the judge reviews the 12 core
 * primitives of PRIMITIVES.md); a core primitive without evidence has nothing to review.
 */
export function noPacketNote(p: Report['primitives'][number]): string {
  return p.group === 'extended' ? EXTENDED_NOT_SENT : 'no evidence to review';
}

export function blankReview(p: Report['primitives'][number], status: JudgeReview['status'], note: string, suspicious = false): JudgeReview {
  return { primitive: p.id, status, staticVerdict: p.verdict, judgeVerdict: null, agrees: null, confidence: null, rationale: null, citedEvidence: [], findingText: null, suspicious, applied: false, note };
}

/** A review row from a valid answer. */
export function answeredReview(p: Report['primitives'][number], status: 'judged' | 'cached', a: JudgeAnswer, suspicious: boolean): JudgeReview {
  return {
    primitive: p.id, status, staticVerdict: p.verdict, judgeVerdict: a.verdict, agrees: a.verdict === p.verdict, confidence: a.confidence,
    rationale: a.rationale, citedEvidence: a.evidenceIds, findingText: a.findingText || null, suspicious, applied: false, note: '',
  };
}

/**
 * Runs the API judge over a static report, one call per primitive with evidence, in report
 * order. Before every call: cache lookup (hit = nothing sent), breaker check, budget projection
 * (a call that would cross a limit is not made: the run stops with a structured reason and keeps
 * what was judged). Never throws for API failures; the static report is always produced.
 * @throws PlumblineError only when the audit log cannot be written
 */
export async function runJudge(report: Report, opts: JudgeRunOptions): Promise<JudgeRun> {
  const emit = opts.onEvent ?? (() => {});
  const usage = emptyUsage();
  const reviews: JudgeReview[] = [];
  const dryRun: DryRunRequest[] = [];
  let stopReason: StopReason | null = null;
  const maxTokens = opts.maxTokensPerCall ?? 2048;
  const budget = new Budget(opts.limits, opts.price);
  const breaker = new CircuitBreaker(opts.breakerThreshold ?? 3);
  const deadline = new AbortController();
  const timer = opts.deadlineMs !== undefined && !opts.dryRun ? setTimeout(() => deadline.abort(), opts.deadlineMs) : undefined;
  const deadlineStop = (primitive: string): StopReason => ({ code: 'deadline', primitive, message: `the judge deadline of ${(opts.deadlineMs! / 1000).toFixed(1)} s passed before the ${primitive} call finished; no further calls` });
  try {

  if (!report.applicable) {
    stopReason = { code: 'not-applicable', primitive: null, message: 'the target is not an agent harness: nothing to review' };
    for (const p of report.primitives) reviews.push(blankReview(p, 'skipped', 'not an agent harness'));
    emit({ type: 'judge-stop', reason: stopReason });
    emit({ type: 'judge-done', usage });
    return { reviews, usage, stopReason, dryRun };
  }
  const packets = new Map((await buildPackets(report, opts.rubric, opts.root, opts.packets)).map((p) => [p.primitive, p]));
  const system = systemPrompt(opts.rubric);
  emit({ type: 'judge-start', source: 'anthropic', model: opts.model, primitives: packets.size, dryRun: !!opts.dryRun });

  const audit = (e: Partial<AuditEntry> & Pick<AuditEntry, 'primitive' | 'outcome'>) =>
    opts.audit.append({
      time: new Date().toISOString(), destination: opts.destination, model: opts.model, requestHash: '', inputTokens: 0, outputTokens: 0,
      cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, cacheHit: false, attempts: 0, redactions: 0, withheldFiles: 0, detail: '', ...e,
    });

    for (const p of report.primitives) {
      const packet = packets.get(p.id);
      if (!packet) {
        reviews.push(blankReview(p, 'skipped', noPacketNote(p)));
        continue;
      }
      const common = { primitive: p.id, redactions: packet.redactions, withheldFiles: packet.withheld };
      if (!stopReason && deadline.signal.aborted) {
        stopReason = deadlineStop(p.id);
        emit({ type: 'judge-stop', reason: stopReason });
      }
      if (stopReason) {
        reviews.push(blankReview(p, 'skipped', `not sent: ${stopReason.code}`, packet.suspicious));
        continue;
      }
      const user = userMessage(packet);
      const body = requestBody(opts.model, system, user, maxTokens);
      const bodyJson = JSON.stringify(body);
      const requestHash = sha256(`${PROMPT_VERSION}\0${bodyJson}`);
      const short = requestHash.slice(0, 16);

      const hit = opts.dryRun ? undefined : opts.cache.get(requestHash);
      if (hit) {
        const v = validateAnswer(hit, packet);
        if ('answer' in v) {
          usage.cacheHits++;
          reviews.push(answeredReview(p, 'cached', v.answer, packet.suspicious));
          audit({ ...common, requestHash: short, cacheHit: true, outcome: 'cached', detail: 'answer from the judge cache; nothing sent' });
          emit({ type: 'judge-call', primitive: p.id, status: 'cached', inputTokens: 0, outputTokens: 0, costUsd: 0, attempts: 0, note: '' });
          continue;
        }
      }

      const projectedIn = estimateTokens(bodyJson);
      const stop = budget.check(p.id, projectedIn, maxTokens);
      if (opts.dryRun) {
        const projectedCost = budget.projectCost(projectedIn, maxTokens);
        dryRun.push({ primitive: p.id, destination: opts.destination, body, projectedInputTokens: projectedIn, maxOutputTokens: maxTokens, projectedCostUsd: projectedCost, wouldStop: stop });
        if (stop) stopReason = stop;
        else budget.record({ input: 0, output: maxTokens, cacheRead: 0, cacheWrite: projectedIn });
        reviews.push(blankReview(p, stop ? 'skipped' : 'dry-run', stop ? `would not be sent: ${stop.code}` : 'dry run: not sent', packet.suspicious));
        audit({ ...common, requestHash: short, outcome: stop ? 'budget-stop' : 'dry-run', detail: `projected ${projectedIn} input tokens, up to ${maxTokens} output; nothing sent` });
        if (stop) emit({ type: 'judge-stop', reason: stop });
        continue;
      }
      if (stop) {
        stopReason = stop;
        reviews.push(blankReview(p, 'skipped', `not sent: ${stop.code}`, packet.suspicious));
        audit({ ...common, requestHash: short, outcome: 'budget-stop', detail: stop.message });
        emit({ type: 'judge-stop', reason: stop });
        continue;
      }
      if (!opts.caller) throw new Error('runJudge: no caller outside a dry run');

      const res = await opts.caller(body, deadline.signal);
      usage.calls += res.attempts;
      if (res.attempts > 0) {
        // counted only for requests that left the machine
        usage.redactions += packet.redactions;
        usage.withheldFiles += packet.withheld;
      }
      if (!res.ok && deadline.signal.aborted) {
        stopReason = deadlineStop(p.id);
        reviews.push(blankReview(p, 'failed', `aborted: ${stopReason.message}`, packet.suspicious));
        audit({ ...common, requestHash: short, attempts: res.attempts, outcome: 'failed', detail: stopReason.message });
        emit({ type: 'judge-call', primitive: p.id, status: 'failed', inputTokens: 0, outputTokens: 0, costUsd: 0, attempts: res.attempts, note: 'deadline' });
        emit({ type: 'judge-stop', reason: stopReason });
        continue;
      }
      if (!res.ok) {
        breaker.failure();
        reviews.push(blankReview(p, 'failed', res.error, packet.suspicious));
        audit({ ...common, requestHash: short, attempts: res.attempts, outcome: 'failed', detail: res.error });
        emit({ type: 'judge-call', primitive: p.id, status: 'failed', inputTokens: 0, outputTokens: 0, costUsd: 0, attempts: res.attempts, note: res.error });
        if (breaker.open) {
          stopReason = { code: 'circuit-open', primitive: p.id, message: `${breaker.consecutiveFailures} consecutive judge calls failed (last: ${res.error}); no further calls` };
          emit({ type: 'judge-stop', reason: stopReason });
        }
        continue;
      }
      breaker.success();
      // a server may under-report usage: the budget counts the larger of projected and reported
      const counted = budget.countedUsage(res.usage, projectedIn, estimateTokens(JSON.stringify(res.toolInput ?? null)));
      const cost = budget.record(counted);
      addUsage(usage, counted, cost);
      const v = validateAnswer(res.toolInput, packet);
      const tokens = { inputTokens: counted.input, outputTokens: counted.output, cacheReadTokens: counted.cacheRead, cacheWriteTokens: counted.cacheWrite, costUsd: round6(cost) };
      if ('error' in v) {
        reviews.push(blankReview(p, 'discarded', v.error, packet.suspicious));
        audit({ ...common, ...tokens, requestHash: short, attempts: res.attempts, outcome: 'discarded', detail: v.error });
        emit({ type: 'judge-call', primitive: p.id, status: 'discarded', inputTokens: counted.input + counted.cacheRead + counted.cacheWrite, outputTokens: counted.output, costUsd: cost, attempts: res.attempts, note: v.error });
        continue;
      }
      opts.cache.set(requestHash, v.answer);
      reviews.push(answeredReview(p, 'judged', v.answer, packet.suspicious));
      audit({ ...common, ...tokens, requestHash: short, attempts: res.attempts, outcome: 'ok', detail: `verdict ${v.answer.verdict}` });
      emit({ type: 'judge-call', primitive: p.id, status: 'judged', inputTokens: counted.input + counted.cacheRead + counted.cacheWrite, outputTokens: counted.output, costUsd: cost, attempts: res.attempts, note: '' });
    }
  } finally {
    clearTimeout(timer);
  }
  usage.costUsd = round6(usage.costUsd);
  emit({ type: 'judge-done', usage });
  return { reviews, usage, stopReason, dryRun };
}

function addUsage(u: JudgeUsage, t: TokenUsage, cost: number): void {
  u.inputTokens += t.input;
  u.outputTokens += t.output;
  u.cacheReadTokens += t.cacheRead;
  u.cacheWriteTokens += t.cacheWrite;
  u.costUsd += cost;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
