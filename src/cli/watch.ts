import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Report } from '../report/schema.js';
import { scan, type ScanOptions } from '../scan/scan.js';
import { errorText } from '../util/errors.js';

/**
 * `plumbline evaluate --watch`: audit once, then again each time a file the audit reads changes,
 * in the same process (issue 16: one changed file re-audited in under a second). A new process
 * per run pays its start-up, the compiler's load, the facts file and a cold JIT each time; here
 * the facts stay in memory (`EvaluateOptions.keepFacts`), so a run after an edit parses the
 * changed files and repeats the model and detect stages warm.
 *
 * What is watched: the folders that hold the files the last run scanned (the scan's own list:
 * git's, or the walk's with `.gitignore`, `.plumblineignore` and `--exclude`), one non-recursive
 * `fs.watch` each, so `node_modules` and other ignored trees cost no watch. A new folder shows
 * as an event in its (watched) parent; the next run scans it and watches it. Events for the
 * report file itself (`--output` inside the audited folder) and the temporary file it is
 * written through are ignored, or every write would start a run.
 *
 * Runs never overlap: an event during a run queues one more run after it. Events are debounced
 * (`debounceMs` of quiet after the last one: an editor's save is often several writes).
 */
export interface WatchOptions {
  /** The audited folder, as given. */
  target: string;
  /** What the scan skips, as the audit's own options: the folders to watch follow the same list. */
  scan: ScanOptions;
  /** The report file, when written to one: its own events are ignored. */
  output?: string;
  /** Quiet time after the last event before a run starts, in milliseconds (default 50). */
  debounceMs?: number;
  /** Stops the watch; the promise then resolves (the CLI aborts it on SIGINT and SIGTERM). */
  signal: AbortSignal;
  /**
   * Runs in the background after the first run, up to `PRIME_PASSES` times and not again once an
   * edit is waiting, its result unused: the first run may have been the report kept from an
   * earlier process, which compiles nothing and loads no facts, and a process's first runs are
   * its slowest. An edit made during a pass waits for it (runs never overlap). Failures are ignored.
   */
  prime?: () => Promise<void>;
  /** Where the one-line run summaries go (default: stderr). */
  log?: (line: string) => void;
}

/** How many times `WatchOptions.prime` runs after the first run, at most. */
const PRIME_PASSES = 3;

/** One audit of the watch: the report, or undefined when the run failed (it said why itself). */
export type WatchRun = () => Promise<Report | undefined>;

/**
 * Runs `run` once, then after each batch of changes until `opts.signal` aborts.
 * @returns 0 when stopped (the gate's exit codes do not apply to a watch)
 * @throws whatever the first run throws (a bad target or flag fails at once, as without --watch)
 */
export async function watchEvaluate(run: WatchRun, opts: WatchOptions): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debounceMs = opts.debounceMs ?? 50;
  const output = opts.output ? resolve(opts.output) : undefined;
  // the report and the temporary file it is written through (writeFileAtomic: `.NAME.PID.HEX.tmp` beside it)
  const ownTmp = output ? join(dirname(output), `.${basename(output)}.${process.pid}.`) : undefined;
  const ownWrite = (path: string) => path === output || (!!ownTmp && path.startsWith(ownTmp) && path.endsWith('.tmp'));
  let last = await run();
  const root = resolve(opts.target);
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let queued = false;
  let changed = new Set<string>();
  let stopped = false;
  /** The files the last scan listed (absolute): an event for any other path may need new folders watched. */
  let known = new Set<string>();
  let rescan = true;

  /** A run (or the prime) ended: the run queued meanwhile, if any, is scheduled. */
  const settle = (): void => {
    running = false;
    if (queued) {
      queued = false;
      schedule();
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    if (running) {
      queued = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => void once(), debounceMs);
  };
  const onEvent = (dir: string) => (_event: string, name: string | Buffer | null) => {
    const path = name ? join(dir, String(name)) : dir;
    if (ownWrite(path)) return;
    changed.add(path);
    if (!known.has(path)) rescan = true;
    schedule();
  };
  /**
   * Watches the folders of the scanned files (and the root), and stops watching folders that hold
   * none now. Only after an event for a path the last scan did not list (a new, removed or
   * renamed file or folder): an edit of a listed file changes no folder.
   */
  const refresh = async (): Promise<void> => {
    if (!rescan) return;
    rescan = false;
    let dirs: Set<string>;
    try {
      const { files } = await scan(root, opts.scan);
      known = new Set(files.map((f) => join(root, f.path)));
      dirs = new Set([root, ...[...known].map((p) => dirname(p))]);
    } catch {
      known = new Set();
      dirs = new Set([root]);
    }
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    const failed = new Map<string, number>();
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, onEvent(dir));
        // a folder removed under the watch: its parent's event starts the run that drops it
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch (err) {
        // a folder gone since the scan: the next run's scan decides; anything else is said once per refresh
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        if (code !== 'ENOENT') failed.set(code, (failed.get(code) ?? 0) + 1);
      }
    }
    for (const [code, n] of failed) {
      log(`plumbline: cannot watch ${n} folder${n === 1 ? '' : 's'} (${code}${code === 'ENOSPC' ? ': the system limit of watches is reached; on Linux raise fs.inotify.max_user_watches' : ''}); edits there start no run`);
    }
  };
  const once = async (): Promise<void> => {
    if (stopped) return;
    running = true;
    const files = changed;
    changed = new Set();
    const t0 = performance.now();
    let report: Report | undefined;
    try {
      report = await run();
    } catch (err) {
      log(`${errorText(err)} (still watching)`);
    }
    const s = ((performance.now() - t0) / 1000).toFixed(2);
    if (report) {
      log(`plumbline: re-ran in ${s} s after ${files.size} change${files.size === 1 ? '' : 's'}: ${reportChanges(last, report)}`);
      last = report;
    }
    await refresh();
    settle();
  };

  await refresh();
  if (opts.prime) {
    running = true;
    const prime = opts.prime;
    void (async () => {
      // a few passes, until an edit arrives: V8 optimises the model and detect stages' code
      // only after it has run a few times (gemini-cli: 0.3-0.5 s each for the first three runs
      // after a start, then about 0.2 s)
      for (let i = 0; i < PRIME_PASSES && !queued && !stopped; i++) await prime();
    })().catch(() => undefined).finally(settle);
  }
  log(`plumbline: watching ${watchers.size} folder${watchers.size === 1 ? '' : 's'} of ${opts.target}; Ctrl-C stops`);
  await new Promise<void>((done) => {
    if (opts.signal.aborted) done();
    else opts.signal.addEventListener('abort', () => done(), { once: true });
  });
  stopped = true;
  clearTimeout(timer);
  for (const w of watchers.values()) w.close();
  // a run under way finishes (its report is written whole) before the process ends
  while (running) await new Promise((r) => setTimeout(r, 20));
  return 0;
}

/**
 * What changed between two reports of the same folder, as one short phrase: the score and each
 * primitive whose verdict moved (`score 58 -> 64; tool-registry partial -> present`), or
 * `no verdict changed`. Primitives are matched by id (PRIMITIVES.md ids), in the new report's order.
 */
export function reportChanges(before: Report | undefined, after: Report): string {
  const parts: string[] = [];
  if (before && before.score !== after.score) parts.push(`score ${before.score ?? 'n/a'} -> ${after.score ?? 'n/a'}`);
  const was = new Map((before?.primitives ?? []).map((p) => [p.id, p.verdict]));
  for (const p of after.primitives) {
    const v = was.get(p.id);
    if (before && v !== p.verdict) parts.push(`${p.id} ${v ?? 'none'} -> ${p.verdict}`);
  }
  return parts.length ? parts.join('; ') : 'no verdict changed';
}
