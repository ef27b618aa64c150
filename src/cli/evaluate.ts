import { evaluate, evaluateProgress, MAX_JOBS, type EvaluateEvent, type EvaluateOptions } from '../evaluate.js';
import { renderers, type Format } from '../report/index.js';
import { severityRank } from '../score/score.js';
import type { Severity } from '../rubric/schema.js';
import type { Report } from '../report/schema.js';
import type { LoadedRubric } from '../rubric/load.js';
import { UsageError, PlumblineError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { writeOut } from './output.js';
import { judgeUsageText } from '../report/text.js';
import { intOption, numberOption } from './options.js';
import type { JudgeEvent, DryRunRequest } from '../judge/index.js';

/**
 * Gate check for CI (`--fail-on`, `--min-score`). Suppressed findings and findings already in
 * the baseline never fail `--fail-on`.
 * @returns the reasons the gate failed (empty when it passes)
 */
export function gateFailures(r: Report, failOn?: Severity, minScore?: number): string[] {
  const out: string[] = [];
  if (failOn) {
    const bad = r.findings.filter((f) => !f.suppressed && f.baseline !== 'unchanged' && severityRank(f.severity) <= severityRank(failOn));
    if (bad.length) out.push(`${bad.length} finding(s) at ${failOn} or worse: ${bad.map((f) => f.id).join(', ')}`);
  }
  if (minScore !== undefined && r.score !== null && r.score < minScore) out.push(`score ${r.score} is below --min-score ${minScore}`);
  return out;
}

/** Flags that write or send something once per audit: refused with `--watch`, which audits again on every change. */
const NOT_WITH_WATCH: Array<[key: string, flag: string]> = [
  ['judgeResults', '--judge-results'], ['dryRun', '--dry-run'], ['writeBaseline', '--write-baseline'],
  ['emitTests', '--emit-tests'], ['plan', '--plan'], ['phase', '--phase'],
];

/**
 * `plumbline evaluate`: runs the audit, renders, writes, applies the gate; with `--watch`, again
 * on each change (src/cli/watch.ts) until SIGINT or SIGTERM. @returns exit code
 * @throws UsageError for `--watch` with a judge or a flag that writes once per audit
 */
export async function runEvaluate(path: string, cliOpts: Record<string, unknown>, sourceOf: (key: string) => string | undefined = () => 'cli'): Promise<number> {
  if (!cliOpts.watch) return evaluateOnce(path, cliOpts, sourceOf);
  if ((cliOpts.judge ?? 'none') !== 'none') throw new UsageError('--watch audits again on every change: it does not run a judge (drop --judge, or run the judge once without --watch)');
  for (const [key, flag] of NOT_WITH_WATCH) if (cliOpts[key] !== undefined && cliOpts[key] !== false) throw new UsageError(`${flag} does not go with --watch: run it once without --watch`);
  const { watchEvaluate } = await import('./watch.js');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let used: EvaluateOptions | undefined;
  try {
    return await watchEvaluate(async () => {
      let report: Report | undefined;
      await evaluateOnce(path, cliOpts, sourceOf, {
        keepFacts: true,
        onOptions: (o) => (used = o),
        onReport: (r) => (report = r),
      });
      return report;
    }, {
      target: path, get scan() { return { exclude: used?.exclude, maxFileSize: used?.maxFileSize }; }, output: cliOpts.output as string | undefined, signal: stop.signal,
      // the first run may have been the kept report: run the pipeline once, unseen, so the first edit finds it compiled
      prime: async () => void (used && (await evaluate({ ...used, onEvent: undefined, warmUp: true }))),
      log: cliOpts.quiet ? () => undefined : undefined,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What `--watch` asks of one audit: facts kept in memory between runs, and the report and scan options of each run. */
interface WatchHooks {
  keepFacts?: boolean;
  /** The options the audit ran `evaluate` with (config and flags resolved). */
  onOptions?: (opts: EvaluateOptions) => void;
  /** The report as written (baseline applied). */
  onReport?: (report: Report) => void;
}

/** One audit: renders, writes, applies the gate. @returns exit code */
async function evaluateOnce(path: string, cliOpts: Record<string, unknown>, sourceOf: (key: string) => string | undefined, hooks: WatchHooks = {}): Promise<number> {
  if (!path.trim()) throw new UsageError('evaluate needs the path of the repository to audit, got an empty string (use . for the current directory)');
  const fromCli = (k: string) => cliOpts[k] !== undefined && sourceOf(k) !== 'default';
  checkJudgeFlags(cliOpts, fromCli);
  // config file (from the target, or --config), then CLI flags given explicitly override it
  const { loadConfig } = await import('../config/load.js');
  const loaded = cliOpts.config === false ? { config: {}, file: null } : await loadConfig(path, cliOpts.config as string | undefined);
  const cfg = loaded.config;
  // a config discovered in the audited repository may not loosen the rubric on its own
  if (cfg.rubric && !cliOpts.config && !fromCli('rubric') && !cliOpts.trustConfig) {
    throw new UsageError(`${loaded.file} in the audited repository sets rubric ${cfg.rubric}: pass --trust-config to use it, or --rubric FILE`);
  }
  const pick = <T>(k: string, fromConfig: T | undefined): unknown => (fromCli(k) ? cliOpts[k] : fromConfig ?? cliOpts[k]);
  const opts: Record<string, unknown> = {
    ...cliOpts,
    format: pick('format', cfg.format),
    failOn: pick('failOn', cfg.failOn),
    minScore: pick('minScore', cfg.minScore),
    maxFileSize: pick('maxFileSize', cfg.maxFileSize),
    jobs: pick('jobs', cfg.jobs),
    rubric: pick('rubric', cfg.rubric),
    baseline: pick('baseline', cfg.baseline),
    exclude: [...(cfg.exclude ?? []), ...((cliOpts.exclude as string[] | undefined) ?? [])],
    model: pick('model', cfg.judge?.model),
    baseUrl: pick('baseUrl', cfg.judge?.baseUrl),
    maxInputTokens: pick('maxInputTokens', cfg.judge?.maxInputTokens),
    maxOutputTokens: pick('maxOutputTokens', cfg.judge?.maxOutputTokens),
    maxCost: pick('maxCost', cfg.judge?.maxCost),
  };
  const extras = opts.emitTests || opts.plan || opts.phase !== undefined ? await (await import('./evaluate-plan.js')).prepareEvaluateExtras(path, opts) : undefined;
  const minScore = intOption('--min-score', opts.minScore, 0, 100);
  const maxFileSize = intOption('--max-file-size', opts.maxFileSize, 1, 1024 * 1024 * 1024);
  const jobs = intOption('--jobs', opts.jobs, 1, MAX_JOBS);
  const format = opts.format as Format;
  const events: EvaluateEvent[] = [];
  const judgeKind = opts.judgeResults ? 'host' : (opts.judge as string | undefined) ?? 'none';
  if (opts.judgeResults && opts.judge === 'anthropic') throw new UsageError('--judge-results merges a host worksheet: use it with --judge host (or alone)');
  if (opts.dryRun && judgeKind !== 'anthropic') throw new UsageError('--dry-run shows what --judge anthropic would send: add --judge anthropic');
  const limits = {
    maxInputTokens: intOption('--max-input-tokens', opts.maxInputTokens, 1, 1e9),
    maxOutputTokens: intOption('--max-output-tokens', opts.maxOutputTokens, 1, 1e9),
    maxCostUsd: numberOption('--max-cost', opts.maxCost, 0),
  };
  const timeoutMs = intOption('--judge-timeout', opts.judgeTimeout, 1, 3_600_000);
  const deadlineS = numberOption('--judge-deadline', opts.judgeDeadline, 0.001);
  const baselines = opts.baseline || opts.writeBaseline ? await import('../score/baseline.js') : undefined;
  const baseline = opts.baseline ? baselines!.readBaseline(String(opts.baseline)) : undefined;
  const progress = new Progress(!opts.quiet && process.stderr.isTTY === true && !process.env.CI);
  const evaluateOptions: EvaluateOptions = {
    target: path,
    rubric: opts.rubric as string | undefined,
    maxFileSize,
    jobs,
    exclude: (opts.exclude as string[]).length ? (opts.exclude as string[]) : undefined,
    cache: opts.cache !== false,
    keepFacts: hooks.keepFacts,
    suppressions: cfg.suppressions,
    configFile: loaded.file,
    onEvent: (e) => {
      events.push(e);
      progress.on(e);
    },
  };
  hooks.onOptions?.(evaluateOptions);
  let report = await evaluate(evaluateOptions);
  progress.clear();
  if (!opts.quiet) for (const i of report.suppressions?.invalid ?? []) process.stderr.write(`plumbline: suppression ignored: ${i.file}${i.line ? `:${i.line}` : ''}: ${i.problem}\n`);
  // the judge and the SARIF rules both need the parsed rubric: load it at most once
  let loadedRubric: LoadedRubric | undefined;
  const rubricOnce = async () => (loadedRubric ??= (await import('../rubric/load.js')).loadRubric(opts.rubric as string | undefined));
  if (judgeKind !== 'none') {
    const { judge } = await import('../judge/index.js');
    const progress = !opts.quiet;
    const outcome = await judge(report, await rubricOnce(), {
      judge: judgeKind as 'anthropic' | 'host',
      target: path,
      mode: opts.judgeMode as 'advisory' | 'adjust',
      model: opts.model as string | undefined,
      baseURL: opts.baseUrl as string | undefined,
      limits,
      priceTable: opts.priceTable as string | undefined,
      dryRun: opts.dryRun === true,
      auditLog: opts.auditLog === false ? null : (opts.auditLog as string | undefined),
      cache: opts.cache !== false,
      worksheet: opts.worksheet as string | undefined,
      results: opts.judgeResults as string | undefined,
      timeoutMs,
      deadlineMs: deadlineS === undefined ? undefined : Math.round(deadlineS * 1000),
      onEvent: progress ? (e) => process.stderr.write(renderJudgeEvent(e)) : undefined,
    });
    report = outcome.report;
    if (outcome.dryRun) {
      writeOut(format === 'json' ? JSON.stringify({ dryRun: true, requests: outcome.dryRun }, null, 2) + '\n' : renderDryRun(outcome.dryRun), opts);
      return 0;
    }
    if (outcome.worksheet && progress) {
      process.stderr.write(`plumbline: judge worksheet written to ${outcome.worksheet.json} (and ${outcome.worksheet.markdown})\n`);
      process.stderr.write(`plumbline: fill in each item's "review", then run: plumbline evaluate ${path} --judge-results ${outcome.worksheet.json}\n`);
    }
  }
  const color = format === 'text' && !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  if (baseline) report = baselines!.applyBaseline(report, baseline);
  hooks.onReport?.(report);
  if (opts.writeBaseline) {
    try {
      writeFileAtomic(String(opts.writeBaseline), JSON.stringify(baselines!.baselineOf(report), null, 2) + '\n');
    } catch (err) {
      throw new PlumblineError(`cannot write ${String(opts.writeBaseline)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!opts.quiet) process.stderr.write(`plumbline: wrote baseline ${String(opts.writeBaseline)} (${report.findings.length} finding(s))\n`);
  }
  const extraCode = extras ? await extras.finish(report, opts) : undefined;
  if (extraCode !== undefined) return extraCode;
  const rubricForRules = format === 'sarif' ? (await rubricOnce()).rubric : undefined;
  const where = format === 'sarif' || format === 'html' ? await import('./paths.js') : undefined;
  writeOut(await renderers[format](report, {
    color, rubric: rubricForRules,
    repoPrefix: format === 'sarif' ? where!.repoPrefix(path) : undefined,
    linkBase: format === 'html' ? (opts.linkBase as string | undefined) ?? where!.linkBase(path, opts.output as string | undefined) : undefined,
  }), opts);
  if (opts.timings) process.stderr.write(stageTimes(events));
  const failures = gateFailures(report, opts.failOn as Severity | undefined, minScore);
  if (failures.length) {
    if (!opts.quiet) for (const f of failures) process.stderr.write(`plumbline: gate failed: ${f}\n`);
    return 1;
  }
  if (!report.applicable && (opts.failOn || minScore !== undefined) && !opts.quiet) {
    process.stderr.write('plumbline: gate skipped: the target is not an agent harness\n');
  }
  return 0;
}

/** Flags that only mean something with a judge: given without one, they would be ignored. */
const JUDGE_FLAGS: Array<[key: string, flag: string, needs: 'any' | 'anthropic' | 'host']> = [
  ['judgeMode', '--judge-mode', 'any'],
  ['worksheet', '--worksheet', 'host'],
  ['judgeDeadline', '--judge-deadline', 'anthropic'],
  ['judgeTimeout', '--judge-timeout', 'anthropic'],
  ['maxInputTokens', '--max-input-tokens', 'anthropic'],
  ['maxOutputTokens', '--max-output-tokens', 'anthropic'],
  ['maxCost', '--max-cost', 'anthropic'],
  ['model', '--model', 'anthropic'],
  ['baseUrl', '--base-url', 'anthropic'],
  ['priceTable', '--price-table', 'anthropic'],
];

/**
 * Refuses judge flags given on the command line without the judge that reads them (a flag that
 * is silently ignored reads as if it had worked). @throws UsageError
 */
function checkJudgeFlags(o: Record<string, unknown>, fromCli: (k: string) => boolean): void {
  const judge = o.judgeResults ? 'host' : ((o.judge as string | undefined) ?? 'none');
  for (const [key, flag, needs] of JUDGE_FLAGS) {
    if (!fromCli(key)) continue;
    if (judge === 'none') throw new UsageError(`${flag} has no effect without --judge: add --judge ${needs === 'host' ? 'host' : needs === 'anthropic' ? 'anthropic' : 'anthropic or --judge host'}`);
    if (needs !== 'any' && needs !== judge) throw new UsageError(`${flag} applies to --judge ${needs} only, not --judge ${judge}`);
  }
}

/**
 * `--timings`: each stage's own duration (the events carry times since the start), then the total.
 * @returns the stderr text
 */
export function stageTimes(events: EvaluateEvent[]): string {
  let last = 0;
  let out = '';
  for (const e of events) {
    if (e.type === 'done') continue;
    out += `plumbline: ${e.type.padEnd(9)} ${String(e.ms - last).padStart(6)} ms\n`;
    last = e.ms;
  }
  const total = events.find((e) => e.type === 'done')?.ms ?? last;
  const extract = events.find((e) => e.type === 'extract');
  const workers = extract?.type === 'extract' && extract.workers ? `plumbline: extract used ${extract.workers} worker thread${extract.workers === 1 ? '' : 's'}\n` : '';
  return `${out}plumbline: ${'total'.padEnd(9)} ${String(total).padStart(6)} ms\n${workers}`;
}

/** One stderr line per typed judge event (the text reporter of the judge's event stream). */
export function renderJudgeEvent(e: JudgeEvent): string {
  switch (e.type) {
    case 'judge-start':
      return `plumbline: judge ${e.source}${e.model ? ` (${e.model})` : ''}: ${e.primitives} primitive(s) with evidence${e.dryRun ? ', dry run: nothing is sent' : ''}\n`;
    case 'judge-call': {
      const details = [
        ...(e.status === 'judged' || e.status === 'discarded' ? [`${e.inputTokens} in / ${e.outputTokens} out, $${e.costUsd.toFixed(4)}`] : []),
        ...(e.attempts > 1 ? [`${e.attempts} attempts`] : []),
      ];
      return `plumbline: judge ${e.primitive.padEnd(20)} ${e.status}${details.length ? ` (${details.join(', ')})` : ''}${e.note ? ` — ${e.note}` : ''}\n`;
    }
    case 'judge-stop':
      return `plumbline: judge stopped: ${e.reason.message}\n`;
    case 'judge-done':
      return `plumbline: judge total: ${judgeUsageText(e.usage)}\n`;
  }
}

/** Human-readable dry run: every request body exactly as it would be sent, then the totals. */
export function renderDryRun(reqs: DryRunRequest[]): string {
  const out: string[] = [];
  let tokens = 0;
  let cost = 0;
  for (const r of reqs) {
    out.push(`=== ${r.primitive} -> ${r.destination}  (~${r.projectedInputTokens} input tokens, up to ${r.maxOutputTokens} output, up to $${r.projectedCostUsd.toFixed(4)})${r.wouldStop ? `  WOULD NOT BE SENT: ${r.wouldStop.message}` : ''}`);
    out.push(JSON.stringify(r.body, null, 2));
    if (!r.wouldStop) {
      tokens += r.projectedInputTokens;
      cost += r.projectedCostUsd;
    }
  }
  out.push(`=== dry run: ${reqs.filter((r) => !r.wouldStop).length} request(s), ~${tokens} input tokens, up to $${cost.toFixed(4)}; nothing was sent`);
  return out.join('\n') + '\n';
}

/**
 * Progress on stderr for scans that take more than a moment: TTY only (never in CI logs or piped
 * output), one line rewritten in place from the typed pipeline events, cleared at the end.
 */
class Progress {
  private shown = false;
  private readonly t0 = Date.now();

  constructor(private readonly enabled: boolean) {}

  on(e: EvaluateEvent): void {
    if (!this.enabled || Date.now() - this.t0 < 400 || !['scan', 'extract', 'detect'].includes(e.type)) return;
    process.stderr.write(`\r\x1b[Kplumbline: ${evaluateProgress(e).message}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}
