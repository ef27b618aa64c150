import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScannedFile } from '../scan/scan.js';
import type { Rubric } from '../rubric/schema.js';
import type { FileOutcome } from './index.js';

/**
 * Parallel extraction in worker threads (issue 16, "speed at or under the parse floor"): the
 * extract stage is per file and independent, so its files are read, hashed and parsed by a few
 * `node:worker_threads` workers (src/extract/worker.ts) while the main thread only hands out
 * batches and collects plain-data outcomes. `extractAll` (src/extract/index.ts) applies them in
 * file order, so facts, stats, the facts cache and the report are the same for any worker count.
 *
 * Costs, measured on the 2-core bench machine (thread CPU from /proc, gemini-cli and plumbline's
 * own tree): each worker pays about 0.25 s of CPU of its own (modules, the rubric's filters, the
 * TypeScript compiler load: 0.35 s without the V8 code cache, 0.1 s with it), and, because every
 * isolate warms up its own JIT, the extraction work costs about 1.4x its in-process CPU when split
 * over two workers, plus about half of that again on V8's helper threads (optimising compiles).
 * The in-process run already keeps about 1.5 cores busy (main thread + V8 helper threads), so on
 * two cores workers only add CPU: a cold gemini-cli run went from 8.1 s to 10.4-11.5 s wall on the
 * loaded bench machine. Hence the defaults: workers only from 4 cores on, one core left to V8's
 * helper threads, and a byte threshold under which the run stays in-process.
 */

/** The default worker count is at most this many (each worker adds a compiler load, a JIT warm-up and a heap). */
export const MAX_DEFAULT_JOBS = 4;

/**
 * Below this many cores (`os.availableParallelism()`) the default is in-process: the in-process
 * run already uses about 1.5 cores, and two workers cost more CPU than they save in wall time.
 */
export const MIN_CORES_FOR_WORKERS = 4;

/**
 * Code bytes (TS/JS/Python/Go/Rust files to read) under which no worker is started: about 0.6 s of
 * in-process extraction, where three workers' start-up and warm-up (about 0.25 s of CPU each, and
 * 1.4x the per-file CPU) stop costing more wall time than the parallel parse saves.
 */
export const MIN_WORKER_BYTES = 4_000_000;

/**
 * `PLUMBLINE_WORKER_MIN_BYTES=N`: a test and benchmark hook that replaces `MIN_WORKER_BYTES`
 * (0 starts workers for any repository, e.g. to compare reports on small fixtures).
 */
const MIN_BYTES_OVERRIDE = /^\d+$/.test(process.env.PLUMBLINE_WORKER_MIN_BYTES ?? '') ? Number(process.env.PLUMBLINE_WORKER_MIN_BYTES) : undefined;

/** A batch holds files up to this many bytes (or `BATCH_FILES` files): small enough to balance the workers at the end. */
const BATCH_BYTES = 96 * 1024;
const BATCH_FILES = 48;

/**
 * The default `jobs` for a machine with `cores` cores (default `os.availableParallelism()`):
 * 1 (in-process) below `MIN_CORES_FOR_WORKERS`; else one worker per core but one (left to V8's
 * helper threads and the main thread), at most `MAX_DEFAULT_JOBS`.
 */
export function defaultJobs(cores = availableParallelism()): number {
  return cores < MIN_CORES_FOR_WORKERS ? 1 : Math.min(cores - 1, MAX_DEFAULT_JOBS);
}

/**
 * How many extract workers a run uses; 1 means in-process (no worker).
 * @param requested the `jobs` option (undefined: `defaultJobs()`); 1 forces in-process; more
 *   than 1 is taken as asked, even beyond the machine's cores, but not below the byte threshold
 * @param codeBytes bytes of the code files still to read (their scanned sizes)
 * @param files how many files are still to read (no more workers than files)
 * @param minBytes threshold under which the run stays in-process (default `PLUMBLINE_WORKER_MIN_BYTES`, else `MIN_WORKER_BYTES`; 0 forces workers)
 */
export function workerCount(requested: number | undefined, codeBytes: number, files: number, minBytes = MIN_BYTES_OVERRIDE ?? MIN_WORKER_BYTES): number {
  const jobs = requested ?? defaultJobs();
  if (jobs <= 1 || files < 2 || codeBytes < minBytes) return 1;
  return Math.min(jobs, files);
}

/**
 * What every extract worker gets at start (`workerData`, structured clone): enough to rebuild
 * the main thread's extract plan and per-file context.
 */
export interface WorkerSetup {
  /** The scanned root (absolute). */
  root: string;
  /** The rubric the prefilters and the fact filter are built from (`ExtractPlan.rubric`). */
  rubric: Rubric;
  /** The `source` of the main thread's prefilter, test prefilter and fact filter (null: none): the worker checks its rebuilt ones match. */
  sources: [prefilter: string, testPrefilter: string | null, filter: string | null];
  /** The facts cache salt of the run (src/extract/index.ts). */
  salt: string;
  /** Whether the target has TypeScript/JavaScript product code. */
  jsSource: boolean;
  /** The TypeScript compiler's V8 code-cache folder (src/extract/ts-compiler.ts); see AnalysisCache.codeDir. */
  codeCache?: string;
  /** `ExtractPlan.records`: also make the wired-in records and signal answers a re-run reads. */
  records?: boolean;
  /** Content hashes whose facts the main thread already has: such files are hashed, not parsed. */
  known: string[];
  /** Test hook (`ExtractPlan.workerFault`): given to the first worker only. */
  fault?: 'error' | 'exit';
}

/** Main thread -> worker: files to extract, by batch number. */
export interface BatchRequest {
  batch: number;
  files: ScannedFile[];
}

/** Worker -> main thread: one outcome per file of the batch, in order, or the error that stopped the batch. */
export type BatchReply = { batch: number; results: FileOutcome[] } | { batch: number; error: string };

/**
 * Where the compiled worker is. In production this module is dist/extract/pool.js and the worker
 * dist/extract/worker.js beside it. Under vitest the tests import src/extract/pool.ts, which
 * vitest transpiles in memory; a worker thread is a fresh Node context without that transform,
 * so it cannot load src/extract/worker.ts: it loads the built dist/extract/worker.js instead
 * (`npm test` builds dist first, and dist's front ends are compiled from the same sources).
 * @returns undefined when no compiled worker exists (then every file is extracted in-process)
 */
export function workerUrl(): URL | undefined {
  const here = import.meta.url;
  const url = /\.ts$/.test(here) ? new URL('../../dist/extract/worker.js', here) : new URL('./worker.js', here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Extracts `files[i]` for each `i` of `todo` in `jobs` worker threads. Batches go out largest
 * files first, one batch per idle worker, so the workers finish close together.
 * A worker that fails (throws, exits, cannot start) leaves its batch undefined and takes no
 * more; a batch whose extraction threw comes back undefined too. Every worker is terminated
 * before this returns; nothing is written anywhere.
 * @returns `outcomes`: one per file index (sparse: undefined for files not in `todo` and for
 *   files no worker finished, which the caller extracts in-process); `started`: workers started
 */
export async function extractInWorkers(
  root: string,
  files: ScannedFile[],
  todo: number[],
  jobs: number,
  setup: Omit<WorkerSetup, 'root'>,
): Promise<{ outcomes: Array<FileOutcome | undefined>; started: number }> {
  const out: Array<FileOutcome | undefined> = new Array(files.length);
  let started = 0;
  const url = workerUrl();
  if (!url || !todo.length) return { outcomes: out, started };
  const batches = makeBatches(files, todo, jobs);
  const data: WorkerSetup = { ...setup, root };
  let next = 0;
  await new Promise<void>((resolve) => {
    let running = 0;
    const start = (k: number) => {
      let w: Worker;
      try {
        // the test hook fails the first worker only: the others go on with the remaining batches
        w = new Worker(url, { workerData: k === 0 ? data : { ...data, fault: undefined } });
      } catch {
        return;
      }
      running++;
      started++;
      let current: number | undefined;
      const give = () => {
        if (next < batches.length) {
          current = next++;
          w.postMessage({ batch: current, files: batches[current]!.map((i) => files[i]!) } satisfies BatchRequest);
        } else {
          current = undefined;
          void w.terminate();
        }
      };
      w.on('message', (m: BatchReply) => {
        if (m.batch !== current) return;
        if ('results' in m) m.results.forEach((r, j) => (out[batches[m.batch]![j]!] = r));
        give();
      });
      // a failed worker's batch stays undefined (extracted in-process by the caller)
      w.on('error', () => {
        current = undefined;
      });
      w.on('exit', () => {
        current = undefined;
        if (--running === 0) resolve();
      });
      give();
    };
    for (let k = 0; k < Math.min(jobs, batches.length); k++) start(k);
    if (running === 0) resolve();
  });
  return { outcomes: out, started };
}

/**
 * `todo` in batches, the largest files first: about `BATCH_BYTES` each, smaller when that would
 * give fewer than 4 batches per worker (so that every worker gets work and they end together).
 */
function makeBatches(files: ScannedFile[], todo: number[], jobs: number): number[][] {
  const order = [...todo].sort((a, b) => files[b]!.size - files[a]!.size || a - b);
  const total = order.reduce((n, i) => n + files[i]!.size, 0);
  const limit = Math.max(1, Math.min(BATCH_BYTES, Math.ceil(total / (jobs * 4))));
  const batches: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const i of order) {
    cur.push(i);
    bytes += files[i]!.size;
    if (bytes >= limit || cur.length >= BATCH_FILES) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) batches.push(cur);
  return batches;
}
