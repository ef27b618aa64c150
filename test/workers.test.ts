import { describe, expect, test } from 'vitest';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../src/scan/scan.js';
import { extractAll, type ExtractPlan, type FactsStore, type FileHashes } from '../src/extract/index.js';
import { buildPrefilter } from '../src/extract/prefilter.js';
import { buildFactFilter } from '../src/extract/keep.js';
import { defaultJobs, workerCount, workerUrl, MIN_WORKER_BYTES } from '../src/extract/pool.js';
import { loadRubric } from '../src/rubric/load.js';
import { withAllSignals } from '../src/rubric/all-signals.js';
import { evaluate } from '../src/evaluate.js';
import { UsageError } from '../src/util/errors.js';
import { cli, fixture, tmp } from './helpers.js';

/**
 * Issue 16: parallel extraction in worker threads. The pool loads the compiled worker
 * (dist/extract/worker.js, built by `npm test`), so these tests run the real threads.
 */
const all = withAllSignals(loadRubric().rubric);
const planOf = (extra: Partial<ExtractPlan> = {}): ExtractPlan => ({
  prefilter: buildPrefilter(all), testPrefilter: buildPrefilter(all, { tests: true }), filter: buildFactFilter(all), rubric: all, ...extra,
});

/** extractAll on a folder, with what a run leaves behind (files as JSON, stats, used, skipped, hashes, store). */
async function extract(dir: string, extra: Partial<ExtractPlan>, store: FactsStore = new Map(), hashes?: FileHashes) {
  const s = await scan(dir);
  const r = await extractAll(s.root, s.files, planOf({ ...extra, hashes }), store, s.skipped);
  const { workers, ...stats } = r.stats;
  return {
    files: JSON.stringify(r.files), texts: r.files.map((f) => f.text), stats, workers, used: [...r.used].sort(), skipped: s.skipped,
    hashes: hashes ? JSON.stringify([hashes.key, [...hashes.files]]) : undefined, store: JSON.stringify([...store]),
  };
}

const FIXTURES = ['ts-full-harness', 'py-full-harness', 'go-agent', 'rust-dead-permissions', 'ts-mastra-orders', 'py-langgraph-triage'];

describe('extract workers (issue 16)', () => {
  test('the compiled worker is found (npm test builds dist first)', () => {
    expect(workerUrl()?.pathname).toMatch(/dist\/extract\/worker\.js$/);
  });

  test.each(FIXTURES)('%s: the same facts, stats, hashes and cache with 1 and with 2 or 3 workers', async (name) => {
    const one = await extract(fixture(name), { jobs: 1, workerMinBytes: 0 });
    expect(one.workers).toBe(0);
    for (const jobs of [2, 3]) {
      const many = await extract(fixture(name), { jobs, workerMinBytes: 0 });
      expect(many.workers).toBeGreaterThan(1);
      expect(many).toEqual({ ...one, workers: many.workers });
    }
  });

  test('skipped files, duplicate contents, suppressions and a warm facts store come out the same', async () => {
    const dir = tmp('plumbline-workers-');
    cpSync(fixture('ts-full-harness'), dir, { recursive: true });
    mkdirSync(join(dir, 'src', 'copy'), { recursive: true });
    // two files with one content (one facts-cache entry), an empty and a binary file, a suppression
    writeFileSync(join(dir, 'src', 'copy', 'a.ts'), 'export function runTool(name: string) { return exec(name); } // plumbline-ignore permissions -- reviewed\n');
    writeFileSync(join(dir, 'src', 'copy', 'b.ts'), 'export function runTool(name: string) { return exec(name); } // plumbline-ignore permissions -- reviewed\n');
    writeFileSync(join(dir, 'src', 'copy', 'empty.ts'), '');
    writeFileSync(join(dir, 'src', 'copy', 'blob.ts'), Buffer.from([0, 1, 2, 3, 0, 255]));
    const runTwice = async (jobs: number) => {
      const store: FactsStore = new Map();
      const hashes: FileHashes = { key: '', files: new Map() };
      const cold = await extract(dir, { jobs, workerMinBytes: 0 }, store, hashes);
      // a second run with the store but no hashes: every file is read again and found in the store
      const warm = await extract(dir, { jobs, workerMinBytes: 0 }, store);
      return { cold, warm };
    };
    const one = await runTwice(1);
    const two = await runTwice(2);
    expect(one.cold.skipped.empty + one.cold.skipped.binary).toBe(2);
    expect(one.cold.stats.cached).toBeGreaterThanOrEqual(1); // b.ts: a.ts's facts
    expect(one.warm.stats.parsed + one.warm.stats.prefiltered).toBe(0);
    expect(two.cold.workers).toBe(2);
    expect(two.warm.workers).toBe(2);
    expect({ ...two.cold, workers: 0 }).toEqual(one.cold);
    expect({ ...two.warm, workers: 0 }).toEqual(one.warm);
    expect(two.cold.files).toContain('"suppress":[{"id":"permissions","reason":"reviewed"');
  });

  test.each(['error', 'exit'] as const)('a worker that fails (%s) leaves its files to the main thread: same result', async (fault) => {
    const one = await extract(fixture('ts-full-harness'), { jobs: 1 });
    const failed = await extract(fixture('ts-full-harness'), { jobs: 2, workerMinBytes: 0, workerFault: fault });
    expect(failed.workers).toBe(2);
    expect({ ...failed, workers: 0 }).toEqual(one);
  });

  test('default jobs: in-process below 4 cores, else cores - 1, at most 4', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((c) => defaultJobs(c))).toEqual([1, 1, 1, 3, 4, 4, 4]);
  });

  test('worker count: 1 (in-process) for --jobs 1, one file, or too little code; else the jobs, at most one per file', () => {
    expect(workerCount(1, 1e9, 1000)).toBe(1);
    expect(workerCount(4, 1e9, 1)).toBe(1);
    expect(workerCount(4, MIN_WORKER_BYTES - 1, 1000, MIN_WORKER_BYTES)).toBe(1);
    expect(workerCount(4, MIN_WORKER_BYTES, 1000, MIN_WORKER_BYTES)).toBe(4);
    expect(workerCount(8, 10, 3, 0)).toBe(3);
    expect(workerCount(undefined, 1e9, 1000, 0)).toBeGreaterThanOrEqual(1);
  });
});

describe('--jobs (issue 16)', () => {
  test('reports are byte-identical with --jobs 1 and with workers forced on small fixtures', () => {
    for (const name of ['ts-full-harness', 'py-full-harness', 'go-agent']) {
      const one = cli(['evaluate', fixture(name), '--no-cache', '-f', 'json', '--jobs', '1', '--timings']);
      const two = cli(['evaluate', fixture(name), '--no-cache', '-f', 'json', '--jobs', '2', '--timings'], { PLUMBLINE_WORKER_MIN_BYTES: '0' });
      expect(one.code).toBe(0);
      expect(two.code).toBe(0);
      expect(one.stderr).not.toContain('worker threads');
      expect(two.stderr).toContain('plumbline: extract used 2 worker threads');
      expect(two.stdout).toBe(one.stdout);
    }
  });

  test('a bad --jobs (flag or config) is a usage error: one line, exit 2, no stack', () => {
    for (const bad of ['0', '-1', '1.5', 'four', '65']) {
      const r = cli(['evaluate', fixture('python-agent'), '--jobs', bad, '--no-cache']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`plumbline: --jobs must be an integer from 1 to 64, got "${bad}"\n`);
    }
    const dir = tmp('plumbline-jobs-config-');
    cpSync(fixture('python-agent'), dir, { recursive: true });
    writeFileSync(join(dir, 'plumbline.config.json'), JSON.stringify({ jobs: 0 }));
    const cfg = cli(['evaluate', dir, '--no-cache']);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/^plumbline: .*plumbline\.config\.json: jobs: /);
    expect(cfg.stderr).not.toMatch(/\n\s+at /);
    for (const cmd of [['map', fixture('python-agent')], ['mcp']]) {
      const r = cli([...cmd, '--jobs', '0']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('plumbline: --jobs must be an integer from 1 to 64, got "0"\n');
    }
  });

  test('a config `jobs` is used and the flag overrides it; the library API checks `jobs`', async () => {
    const dir = tmp('plumbline-jobs-config-');
    cpSync(fixture('python-agent'), dir, { recursive: true });
    writeFileSync(join(dir, 'plumbline.config.json'), JSON.stringify({ jobs: 2 }));
    const env = { PLUMBLINE_WORKER_MIN_BYTES: '0' };
    expect(cli(['evaluate', dir, '--no-cache', '-q', '--timings'], env).stderr).toContain('extract used 2 worker threads');
    expect(cli(['evaluate', dir, '--no-cache', '-q', '--timings', '--jobs', '1'], env).stderr).not.toContain('worker threads');
    await expect(evaluate({ target: fixture('python-agent'), cache: false, jobs: 0 })).rejects.toThrow(UsageError);
    await expect(evaluate({ target: fixture('python-agent'), cache: false, jobs: 2.5 })).rejects.toThrow(/jobs must be an integer from 1 to 64/);
  });
});
