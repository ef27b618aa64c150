import { parentPort, workerData } from 'node:worker_threads';
import { buildPrefilter } from './prefilter.js';
import { buildFactFilter } from './keep.js';
import { extractFile, fileContext, type ExtractPlan, type FileOutcome } from './index.js';
import type { BatchReply, BatchRequest, WorkerSetup } from './pool.js';

/**
 * An extract worker thread (issue 16; started by src/extract/pool.ts): rebuilds the run's
 * prefilters and fact filter from the rubric (functions do not cross threads) and checks they
 * are the main thread's (same `source`), then extracts each batch it is sent with the same
 * `extractFile` the main thread uses in-process. The TypeScript compiler (with the V8 code cache
 * when the run has one) and the tree-sitter grammars load here, on first use, never in the main
 * thread. Replies are plain data: facts and hashes, no file text.
 */
const setup = workerData as WorkerSetup;
const plan: ExtractPlan = { prefilter: buildPrefilter(setup.rubric), codeCache: setup.codeCache, records: setup.records };
if (setup.sources[1] !== null) plan.testPrefilter = buildPrefilter(setup.rubric, { tests: true });
if (setup.sources[2] !== null) plan.filter = buildFactFilter(setup.rubric);
const rebuilt = [plan.prefilter.source, plan.testPrefilter?.source ?? null, plan.filter?.source ?? null];
if (rebuilt.some((s, i) => s !== setup.sources[i])) throw new Error('extract worker: the prefilters rebuilt from the rubric differ from the main thread\'s');
const ctx = fileContext(plan, setup.salt, setup.jsSource);
const known = new Set(setup.known);
const port = parentPort!;
let queue = Promise.resolve();
let first = true;

port.on('message', (m: BatchRequest) => {
  if (first && setup.fault) {
    // test hook: fail the way a crashed worker would
    if (setup.fault === 'exit') process.exit(1);
    throw new Error('extract worker: injected failure (test hook)');
  }
  first = false;
  queue = queue.then(() => run(m));
});

async function run(m: BatchRequest): Promise<void> {
  let reply: BatchReply;
  try {
    const results: FileOutcome[] = [];
    for (const f of m.files) results.push(await extractFile(setup.root, f, ctx, (h) => known.has(h)));
    reply = { batch: m.batch, results };
  } catch (err) {
    reply = { batch: m.batch, error: String(err) };
  }
  port.postMessage(reply);
}
