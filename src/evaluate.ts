import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import type { LoadedRubric } from './rubric/load.js';
import { resolveTarget, scan, type SkipCounts } from './scan/scan.js';
import { SKIP_LABEL } from './report/labels.js';
import { TargetError, UsageError } from './util/errors.js';
import { EXTRACTOR_VERSION } from './extract/version.js';
import { MAX_JOBS } from './extract/jobs.js';
import { REPORT_SCHEMA_VERSION } from './report/version.js';
import type { Report } from './report/schema.js';
import { AnalysisCache } from './util/cache.js';
import { sha256 } from './util/fs.js';
import { VERSION } from './version.js';
import { CORE_RUBRIC_PATH, rubricFiles } from './rubric/files.js';

export { MAX_JOBS };

/** Options of `evaluate()`; every field is optional except the target. */
export interface EvaluateOptions {
  /** Directory to audit. */
  target: string;
  /** Rubric YAML path (default: bundled rubrics/core.yaml) or an already loaded rubric. */
  rubric?: string | LoadedRubric;
  /** Per-file size cap in bytes (default 1 MiB). */
  maxFileSize?: number;
  /** Extra exclude globs. */
  exclude?: string[];
  /** Use the user-level cache (default true). */
  cache?: boolean;
  /**
   * With the cache: keep the facts of this root in memory for the next run in this process
   * (`AnalysisCacheOptions.keepFacts`). For long-lived hosts such as the MCP server (issue 16).
   */
  keepFacts?: boolean;
  /**
   * A warm-up run for a long-lived process (`plumbline evaluate --watch` runs one after its
   * first run; issue 16): the report kept for the same files is not reused, so the pipeline runs
   * whole (with `keepFacts`, the facts are then in memory), and each code language's front end
   * runs once more on its largest product file (`warmFrontEnds`). The first run after an edit
   * then finds the front ends and the model and detect stages compiled. The report is as usual.
   */
  warmUp?: boolean;
  /** Config suppressions `{ primitive, reason }` (issue 7); in-source comments are always read. */
  suppressions?: Array<{ primitive: string; reason: string }>;
  /** The config file the suppressions came from (shown in the report). */
  configFile?: string | null;
  /**
   * Worker threads for the extract stage (issue 16): 1 reads and parses every file in-process;
   * default: in-process below 4 cores, else cores - 1, at most 4 (`defaultJobs`). Under 4 MB of
   * code to read the run stays in-process whatever the value (src/extract/pool.ts). The report is
   * the same for any value. `evaluate()` throws UsageError for anything but an integer from 1 to 64.
   */
  jobs?: number;
  /** Receives typed progress events (the tool's own streaming-events primitive). */
  onEvent?: (e: EvaluateEvent) => void;
}

/**
 * Typed progress events emitted by the pipeline, one per finished stage, with elapsed
 * milliseconds since the start of `evaluate()`. `done` is always the last event of a
 * successful run; a failed run throws instead.
 */
export type EvaluateEvent =
  | { type: 'scan'; ms: number; files: number; lister: 'git' | 'walk' }
  | { type: 'cache-hit'; ms: number }
  | { type: 'extract'; ms: number; parsed: number; prefiltered: number; cached: number; workers: number }
  | { type: 'model'; ms: number; loops: number }
  | { type: 'detect'; ms: number }
  | { type: 'score'; ms: number }
  | { type: 'done'; ms: number; cached: boolean };

/**
 * Runs the static audit: scan -> extract -> detect -> score (STYLE.md data flow).
 * Deterministic: the same files and rubric give the same report, byte for byte.
 * @throws TargetError (bad target, or no file left to audit), RubricError (bad rubric),
 * UsageError (`jobs` not an integer from 1 to MAX_JOBS); never
 * writes inside the target
 */
export async function evaluate(opts: EvaluateOptions): Promise<Report> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const emit = opts.onEvent ?? (() => {});
  if (opts.jobs !== undefined && !(Number.isInteger(opts.jobs) && opts.jobs >= 1 && opts.jobs <= MAX_JOBS)) {
    throw new UsageError(`jobs must be an integer from 1 to ${MAX_JOBS}, got ${String(opts.jobs)}`);
  }
  const root = resolveTarget(opts.target);
  // the rubric is hashed first and parsed (yaml + zod) only on a cache miss
  let loaded = typeof opts.rubric === 'object' ? opts.rubric : undefined;
  const rubricHash = loaded?.hash ?? quickRubricHash(opts.rubric as string | undefined);
  const scanned = await scan(root, { maxFileSize: opts.maxFileSize, exclude: opts.exclude });
  emit({ type: 'scan', ms: ms(), files: scanned.files.length, lister: scanned.lister });
  if (!scanned.files.length) throw nothingToAudit(opts.target, scanned.skipped);
  const custom = customRubric(root, typeof opts.rubric === 'object' ? opts.rubric.path : opts.rubric);

  const cache = new AnalysisCache(root, opts.cache !== false, { keepFacts: opts.keepFacts });
  const runKey = sha256(JSON.stringify([
    VERSION, EXTRACTOR_VERSION, rubricHash, custom ?? null, opts.maxFileSize ?? null, opts.exclude ?? [], basename(root), opts.suppressions ?? [], opts.configFile ?? null,
    scanned.files.map((f) => [f.path, f.size, f.mtimeMs]),
  ]));
  const memo = opts.warmUp ? undefined : cache.loadRun(runKey);
  if (memo) {
    emit({ type: 'cache-hit', ms: ms() });
    emit({ type: 'done', ms: ms(), cached: true });
    return JSON.parse(memo) as Report;
  }

  // the pipeline's modules load only on a cache miss: an unchanged re-run needs none of them
  const [{ extractAll, warmFrontEnds }, { buildPrefilter }, { buildFactFilter, nameTest }, { computeReachability }, { detect }, { buildModel }, { activeFrameworks }, { withAllSignals }, { harnessMap }, { score }, { applySuppressions }, { SignalIndex }] = await Promise.all([
    import('./extract/index.js'), import('./extract/prefilter.js'), import('./extract/keep.js'), import('./detect/reachability.js'), import('./detect/engine.js'),
    import('./model/build.js'), import('./model/frameworks.js'), import('./rubric/all-signals.js'), import('./model/map.js'), import('./score/score.js'), import('./score/suppress.js'),
    import('./detect/match.js'),
  ]);
  try {
    return await analyse();
  } finally {
    // the run's signal index (every distinct fact value it tested) is not kept after the run
    SignalIndex.share(undefined);
  }

  async function analyse(): Promise<Report> {
    if (!loaded) loaded = (await import('./rubric/load.js')).loadRubric(opts.rubric as string | undefined);
    const { rubric } = loaded;
    const store = cache.loadFacts();
    const hashes = cache.enabled ? cache.loadHashes() : undefined;
    // extended checks and framework profiles read facts too: every signal sets the prefilter and the fact filter
    const all = withAllSignals(rubric);
    const plan = { prefilter: buildPrefilter(all), testPrefilter: buildPrefilter(all, { tests: true }), filter: buildFactFilter(all), codeCache: cache.codeDir, hashes, rubric: all, jobs: opts.jobs, records: cache.enabled };
    const { files, stats, used, updated } = await extractAll(root, scanned.files, plan, store, scanned.skipped);
    if (opts.warmUp) await warmFrontEnds(root, scanned.files, plan);
    emit({ type: 'extract', ms: ms(), ...stats });
    if (!files.length) throw nothingToAudit(opts.target, scanned.skipped);

    // the signal tests cached with unchanged files' facts: their values are not tested again
    for (const f of files) plan.filter.prime(f.facts);
    const reach = computeReachability(root, files);
    const frameworks = activeFrameworks(rubric, files, root, reach);
    const model = buildModel(rubric, files, reach, frameworks);
    emit({ type: 'model', ms: ms(), loops: model.loops.length });
    const lines = cache.enabled ? cache.loadLines() : undefined;
    const { context, detections } = detect(rubric, files, reach, model, { mayName: nameTest(plan.prefilter), lines });
    emit({ type: 'detect', ms: ms() });

    const body = score(rubric, context, detections);
    // suppression comments count in product code and config, not in docs, tests or fixtures
    const inSource = files
      .filter((f) => f.facts.suppress && ['source', 'config', 'ci', 'tooling'].includes(f.role))
      .flatMap((f) => f.facts.suppress!.map((x) => ({ file: f.path, ...x })));
    const count = (key: 'language' | 'role') => {
      const out: Record<string, number> = {};
      for (const f of files) out[f[key]] = (out[f[key]] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
    };
    let report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'plumbline', version: VERSION },
      rubric: { id: rubric.id, hash: loaded.hash.slice(0, 16), ...(custom ? { custom } : {}) },
      target: {
        name: basename(root),
        lister: scanned.lister,
        files: files.length,
        parsed: files.filter((f) => f.facts.parsed).length,
        languages: count('language'),
        roles: count('role'),
        skipped: scanned.skipped,
        entryPoints: context.entryPoints.slice(0, 50),
      },
      context: { shape: context.shape, flags: context.flags, summary: context.summary, evidence: context.evidence },
      harness: harnessMap(model, detections),
      ...(frameworks.length ? { frameworks: frameworks.map((f) => ({ id: f.profile.id, title: f.profile.title, runs: f.run.slice(0, 8).map((r) => ({ name: r.value, file: r.file, line: r.line })) })) } : {}),
      ...body,
    };
    report = applySuppressions(report, inSource, opts.suppressions ?? [], opts.configFile ?? null);
    emit({ type: 'score', ms: ms() });
    if (cache.enabled) {
      cache.saveFacts(store, used, updated);
      if (hashes) cache.saveHashes(hashes);
      if (lines) cache.saveLines(lines, used);
      cache.saveRun(runKey, JSON.stringify(report));
    }
    emit({ type: 'done', ms: ms(), cached: false });
    return report;
  }
}

/**
 * Where a rubric that is not the bundled one came from (issue 12: a loosened rubric must be
 * named in every report). @returns undefined for the bundled rubric; else the file, relative
 * to the target when it lies inside it (`inTarget`), absolute otherwise
 */
function customRubric(root: string, path: string | undefined): { file: string; inTarget: boolean } | undefined {
  if (path === undefined) return undefined;
  const abs = resolve(path);
  if (abs === CORE_RUBRIC_PATH) return undefined;
  const rel = relative(root, abs);
  const inTarget = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return { file: inTarget ? rel.split(sep).join('/') : abs, inTarget };
}

/** The one-line target error when no file is left to audit, with what was skipped. */
function nothingToAudit(target: string, skipped: SkipCounts): TargetError {
  const parts = Object.entries(skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${SKIP_LABEL[k as keyof SkipCounts]}`);
  return new TargetError(`nothing to audit in ${target}: no readable source file${parts.length ? ` (skipped: ${parts.join(', ')})` : ' (the folder is empty)'}; check the path and --exclude`);
}

/** sha256 of the rubric files' texts (core, extended, framework profiles), or '' when unreadable (loadRubric then reports the error). */
function quickRubricHash(path: string | undefined): string {
  try {
    return sha256(rubricFiles(path).map((f) => readFileSync(f, 'utf8')).join('\0'));
  } catch {
    return '';
  }
}

/** Where an event leaves a run: finished stages out of `total`, and what comes next, in words. */
export interface EvaluateProgress {
  progress: number;
  total: number;
  message: string;
}

/**
 * Maps a pipeline event to progress (scan, extract, model, detect, score, done: 6 steps; a
 * cache hit jumps to the last). The CLI's TTY line and the MCP server's progress notifications both use it.
 */
export function evaluateProgress(e: EvaluateEvent): EvaluateProgress {
  const total = 6;
  switch (e.type) {
    case 'scan':
      return { progress: 1, total, message: `listed ${e.files} files, extracting facts…` };
    case 'extract':
      return { progress: 2, total, message: 'building the harness model…' };
    case 'model':
      return { progress: 3, total, message: `${e.loops ? `found ${e.loops} agent loop(s)` : 'no agent loop found'}, detecting primitives…` };
    case 'detect':
      return { progress: 4, total, message: 'scoring…' };
    case 'score':
      return { progress: 5, total, message: 'finishing…' };
    case 'cache-hit':
      return { progress: 5, total, message: 'unchanged since the last run: cached report' };
    case 'done':
      return { progress: total, total, message: 'done' };
  }
}
