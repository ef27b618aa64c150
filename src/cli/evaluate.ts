import { evaluate, type EvaluateEvent } from '../evaluate.js';
import { renderers, type Format } from '../report/index.js';
import { severityRank } from '../score/score.js';
import type { Severity } from '../rubric/schema.js';
import type { Report } from '../report/schema.js';
import { UsageError, PlumblineError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';

function intOption(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${String(v)}"`);
  return n;
}

/**
 * Gate check for CI (`--fail-on`, `--min-score`).
 * @returns the reasons the gate failed (empty when it passes)
 */
export function gateFailures(r: Report, failOn?: Severity, minScore?: number): string[] {
  const out: string[] = [];
  if (failOn) {
    const bad = r.findings.filter((f) => severityRank(f.severity) <= severityRank(failOn));
    if (bad.length) out.push(`${bad.length} finding(s) at ${failOn} or worse: ${bad.map((f) => f.id).join(', ')}`);
  }
  if (minScore !== undefined && r.score !== null && r.score < minScore) out.push(`score ${r.score} is below --min-score ${minScore}`);
  return out;
}

/** `plumbline evaluate`: runs the audit, renders, writes, applies the gate. @returns exit code */
export async function runEvaluate(path: string, opts: Record<string, unknown>): Promise<number> {
  const minScore = intOption('--min-score', opts.minScore, 0, 100);
  const maxFileSize = intOption('--max-file-size', opts.maxFileSize, 1, 1024 * 1024 * 1024);
  const format = opts.format as Format;
  const events: EvaluateEvent[] = [];
  const report = await evaluate({
    target: path,
    rubric: opts.rubric as string | undefined,
    maxFileSize,
    exclude: opts.exclude as string[] | undefined,
    cache: opts.cache !== false,
    onEvent: (e) => events.push(e),
  });
  const color = format === 'text' && !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text = await renderers[format](report, { color });
  if (opts.output) {
    try {
      writeFileAtomic(String(opts.output), text);
    } catch (err) {
      throw new PlumblineError(`cannot write ${String(opts.output)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!opts.quiet) process.stderr.write(`plumbline: wrote ${String(opts.output)}\n`);
  } else process.stdout.write(text);
  if (opts.timings) {
    for (const e of events) process.stderr.write(`plumbline: ${e.type.padEnd(9)} ${String(e.ms).padStart(6)} ms\n`);
  }
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
