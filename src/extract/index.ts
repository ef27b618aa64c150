import type { ScannedFile, SkipCounts } from '../scan/scan.js';
import { isText, readText, readTextHashed } from '../scan/scan.js';
import { isCode } from '../scan/classify.js';
import { sha256 } from '../util/fs.js';
import { flat, type FileFacts } from './types.js';
import { nameTest, type FactFilter, type KeepFn } from './keep.js';
import type { Prefilter } from './prefilter.js';
import { extractPython } from './python.js';
import { extractRust } from './rust.js';
import { extractGo } from './go.js';
import { scanTypeScriptImports } from './imports.js';
import { extractSyntax } from './syntax.js';
import { setCompilerCodeCache } from './ts-compiler.js';
import { EXTRACTOR_VERSION } from './version.js';
import type { Rubric } from '../rubric/schema.js';
import { wiredFacts } from './wired-facts.js';

export { EXTRACTOR_VERSION };

/** `PLUMBLINE_SKIP_FRONTENDS=python,rust,go`: a benchmark baseline that only reads those files. */
const SKIP_FRONTENDS = new Set((process.env.PLUMBLINE_SKIP_FRONTENDS ?? '').split(',').filter(Boolean));

/** A scanned file with its content hash, facts and (for code files) text. */
export interface AnalyzedFile extends ScannedFile {
  hash: string;
  facts: FileFacts;
  /**
   * Text of code files, for the wired-in check and the evidence snippets of the detect stage:
   * read again from disk when asked (one file at a time), so no file text stays in memory.
   */
  text?: string;
}

/** Cached facts by content hash (see src/util/cache.ts). */
export type FactsStore = Map<string, FileFacts>;

/** Counters for the report's scan section and `--timings`. */
export interface ExtractStats {
  parsed: number;
  prefiltered: number;
  cached: number;
  /** Extract worker threads started (issue 16); 0 when every file was read in-process. */
  workers: number;
}

/** What decides how much of each file is read: the rubric prefilters and the fact filter. */
export interface ExtractPlan {
  /** Files whose text can hold no fact a signal matches only get the import scan. */
  prefilter: Prefilter;
  /** The same for test files, from the signals that count test facts (their titles span words). */
  testPrefilter?: Prefilter;
  /** Which facts to keep (src/extract/keep.ts); all when omitted. */
  filter?: FactFilter;
  /**
   * Record what only a re-run reads (issue 16): the wired-in records and the signal answers per
   * fact (`FileFacts.wired`, `FileFacts.sigs`). Set when the facts are cached; even then they are
   * made only on a re-run (some file unchanged since the last run of the same salt), for the
   * files read and, once, for cached facts that lack them (`updated` lists those entries). A
   * first run, or a run without the cache, skips them (the detect stage reads the texts instead),
   * so a run whose cache is thrown away (a CI job) does not pay for them. Not part of the key:
   * facts with and without records are the same facts.
   */
  records?: boolean;
  /** Folder for the TypeScript compiler's V8 code cache (src/extract/ts-compiler.ts); none when omitted. */
  codeCache?: string;
  /**
   * The previous run's content hashes by path, with size and mtime (src/util/cache.ts): a file
   * whose size and mtime are unchanged and whose facts are cached is not read at all (its text is
   * read later only if a snippet or the wired-in check asks). Updated in place for the next run.
   */
  hashes?: FileHashes;
  /**
   * The rubric the prefilters and the fact filter were built from (`buildPrefilter`,
   * `buildFactFilter`): extract workers rebuild them from it, since functions cannot cross
   * threads (issue 16). Without it every file is extracted in-process.
   */
  rubric?: Rubric;
  /** Extract worker threads (issue 16): 1 = in-process; default `defaultJobs()` (src/extract/pool.ts: in-process below 4 cores). */
  jobs?: number;
  /** Code bytes to read below which no worker is started (default `MIN_WORKER_BYTES`); 0 forces workers (tests). */
  workerMinBytes?: number;
  /** Test hook: the first extract worker fails this way on its first batch (`error`: throws; `exit`: the thread exits). */
  workerFault?: 'error' | 'exit';
}

/** path -> [size, mtimeMs, content hash] of the last run, valid for one extractor salt (`key`). */
export interface FileHashes {
  key: string;
  files: Map<string, [number, number, string]>;
}

/**
 * The extract stage: reads every scanned file once, skips binary/non-UTF-8/empty files (counted
 * in `skipped`), and produces facts per file from the cache or the language front end.
 * The TypeScript front end (ts-morph) is imported lazily, only when a file needs parsing.
 * Issue 16: with `plan.rubric` and enough code to read, the files are read and parsed in worker
 * threads (src/extract/pool.ts); the outcomes are applied in file order, so the result (facts,
 * stats, `used`, `hashes`, `skipped`, interning) is the same for any worker count. A worker that
 * fails leaves its files to be extracted here.
 * @param plan the prefilters and the fact filter (a bare Prefilter: every test file is parsed
 *   and every fact kept)
 * @param store facts cache keyed by `sha256(EXTRACTOR_VERSION, prefilters, filter, content)`; updated in place
 */
export async function extractAll(
  root: string,
  files: ScannedFile[],
  plan: ExtractPlan | Prefilter,
  store: FactsStore,
  skipped: SkipCounts,
): Promise<{ files: AnalyzedFile[]; stats: ExtractStats; used: Set<string>; updated: Set<string> }> {
  const p: ExtractPlan = 'test' in plan ? { prefilter: plan } : plan;
  const out: AnalyzedFile[] = [];
  const stats: ExtractStats = { parsed: 0, prefiltered: 0, cached: 0, workers: 0 };
  const used = new Set<string>();
  const intern = new Map<string, string>();
  // without TypeScript/JavaScript product code, the declarations of other TS/JS files (CI
  // scripts, tooling, examples) are nobody's callees: only signals can want their facts
  const jsSource = files.some((f) => f.role === 'source' && (f.language === 'typescript' || f.language === 'javascript'));
  const salt = `${EXTRACTOR_VERSION}\0${sha256(`${p.prefilter.source}\0${p.testPrefilter?.source ?? ''}\0${p.filter?.source ?? ''}\0${jsSource}`)}\0`;
  const known = p.hashes?.key === salt ? p.hashes.files : undefined;
  // a file unchanged since the last run (same size and mtime, facts cached) is not read at all
  const unchanged = (f: ScannedFile) => {
    const prev = known?.get(f.path);
    return prev && prev[0] === f.size && prev[1] === f.mtimeMs && store.has(prev[2]) ? prev : undefined;
  };
  // the records a re-run reads are made from the second run on (a re-run of the same files and
  // rubric), never on a first run: a run whose cache is not kept (a CI job) pays nothing for them
  const records = !!p.records && !!p.filter && !!known && files.some((f) => unchanged(f) !== undefined);
  const ctx = fileContext({ ...p, records }, salt, jsSource);
  const updated = new Set<string>();
  /** Cached facts made before records were: the records added, the store updated (issue 16). */
  const complete = (f: ScannedFile, hash: string, facts: FileFacts): FileFacts => {
    if (!records) return facts;
    const more = withRecords(f, facts, p, () => textOf(root, f.path));
    if (more !== facts) {
      store.set(hash, more);
      updated.add(hash);
    }
    return more;
  };
  // issue 16: the files to read go to worker threads when that pays off (src/extract/pool.ts);
  // their outcomes are applied below in file order, exactly as the in-process ones
  let pooled: Array<FileOutcome | undefined> | undefined;
  if (p.rubric && p.jobs !== 1) {
    const todo = files.map((f, i) => (unchanged(f) ? -1 : i)).filter((i) => i >= 0);
    const { extractInWorkers, workerCount } = await import('./pool.js');
    const jobs = workerCount(p.jobs, todo.reduce((n, i) => n + (isCode(files[i]!.language) ? files[i]!.size : 0), 0), todo.length, p.workerMinBytes);
    if (jobs > 1) {
      ({ outcomes: pooled, started: stats.workers } = await extractInWorkers(root, files, todo, jobs, {
        rubric: p.rubric, salt, jsSource, codeCache: p.codeCache, records, known: [...store.keys()],
        sources: [p.prefilter.source, p.testPrefilter?.source ?? null, p.filter?.source ?? null], fault: p.workerFault,
      }));
    }
  }
  // the hashes the next run reads, only when there is a cache to keep them in
  const seen = p.hashes ? new Map<string, [number, number, string]>() : undefined;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const prev = unchanged(f);
    if (prev) {
      // unchanged since the last run: its facts without reading it
      const facts = complete(f, prev[2], store.get(prev[2])!);
      used.add(prev[2]);
      seen?.set(f.path, prev);
      stats.cached++;
      internValues(facts, intern);
      out.push(isCode(f.language) ? new RereadFile(f, prev[2], facts, root) : { ...f, hash: prev[2], facts });
      continue;
    }
    // a file a worker did not finish (none ran, or it failed) is extracted here, the same way
    let o = pooled?.[i];
    if (!o || ('hash' in o && !o.facts && !store.has(o.hash))) o = await extractFile(root, f, ctx, (h) => store.has(h));
    if ('skip' in o) { skipped[o.skip]++; continue; }
    const hash = o.hash;
    used.add(hash);
    seen?.set(f.path, [f.size, f.mtimeMs, hash]);
    let facts = store.get(hash);
    if (facts) {
      stats.cached++;
      facts = complete(f, hash, facts);
    }
    else {
      facts = o.facts!;
      if (facts.parsed) stats.parsed++;
      else stats.prefiltered++;
      store.set(hash, facts);
    }
    internValues(facts, intern);
    out.push(isCode(f.language) ? new RereadFile(f, hash, facts, root) : { ...f, hash, facts });
  }
  if (p.hashes) {
    p.hashes.key = salt;
    p.hashes.files = seen!;
  }
  return { files: out, stats, used, updated };
}

/**
 * What reading one file came to (issue 16: the unit a worker thread sends back, plain data for
 * the structured clone): a skip reason (the `SkipCounts` key), or the content hash (the facts
 * cache key) with the file's facts, which are left out when the hash was already known.
 */
export type FileOutcome =
  | { skip: 'binary' | 'nonUtf8' | 'empty' | 'unreadable' }
  | { hash: string; facts?: FileFacts };

/** What `extractFile` needs besides the file: the plan, the cache salt, and the lazily loaded TypeScript front end. */
export interface FileContext {
  plan: ExtractPlan;
  salt: string;
  jsSource: boolean;
  loadTs: () => Promise<typeof import('./typescript.js')>;
}

/**
 * The per-file context of one extract run. The TypeScript front end (and so the compiler, with
 * the plan's code cache) is imported on the first file that needs it, once per thread.
 */
export function fileContext(plan: ExtractPlan, salt: string, jsSource: boolean): FileContext {
  let tsFront: typeof import('./typescript.js') | undefined;
  return {
    plan, salt, jsSource,
    loadTs: async () => {
      if (!tsFront) {
        setCompilerCodeCache(plan.codeCache);
        tsFront = await import('./typescript.js');
      }
      return tsFront;
    },
  };
}

/**
 * Reads one file, hashes it (`sha256(salt, extension, NUL, file bytes)`) and, unless `known(hash)`, runs its
 * front end (suppression comments included). The same function runs in-process and in the
 * extract workers (src/extract/worker.ts), so both give the same facts.
 * @throws whatever a front end throws (the run fails, as it always did)
 */
export async function extractFile(root: string, f: ScannedFile, ctx: FileContext, known: (hash: string) => boolean): Promise<FileOutcome> {
  const { text, hash } = readTextHashed(root, f.path, ctx.salt + f.path.replace(/^.*\./, '') + '\0');
  if (text === 'binary') return { skip: 'binary' };
  if (text === 'non-utf8') return { skip: 'nonUtf8' };
  if (text === 'empty') return { skip: 'empty' };
  if (text === 'unreadable' || hash === undefined) return { skip: 'unreadable' };
  if (known(hash)) return { hash };
  let facts = await extractOne(f, text, ctx.plan, ctx.loadTs, ctx.jsSource);
  if (text.includes('plumbline-ignore')) facts = { ...facts, suppress: scanSuppressions(text) };
  return { hash, facts };
}

/**
 * Runs each code language's front end once more on its largest product file, the facts
 * discarded and no cache read or written: the path a re-run takes for a changed file (compiler
 * or grammar loaded, parse, walk, signal tests, records), compiled before the first edit. For
 * long-lived hosts (`EvaluateOptions.warmUp`, issue 16); a file that cannot be read is skipped.
 */
export async function warmFrontEnds(root: string, files: ScannedFile[], plan: ExtractPlan): Promise<void> {
  const largest = new Map<string, ScannedFile>();
  for (const f of files) {
    if (f.role === 'source' && isCode(f.language) && f.size > (largest.get(f.language)?.size ?? -1)) largest.set(f.language, f);
  }
  const ctx = fileContext(plan, '', true);
  for (const f of largest.values()) await extractFile(root, f, ctx, () => false);
}

/**
 * Makes equal fact values, declaration names and imports one string across the run (a call path
 * such as `logger.debug` recurs thousands of times). Facts from the cache are interned too.
 */
function internValues(facts: FileFacts, intern: Map<string, string>): void {
  const one = (s: string) => {
    const known = intern.get(s);
    if (known !== undefined) return known;
    intern.set(s, s);
    return s;
  };
  for (const x of facts.facts) x.v = one(x.v);
  for (const d of facts.decls ?? []) {
    d.n = one(d.n);
    if (d.c) d.c = one(d.c);
  }
  for (let i = 0; i < facts.imports.length; i++) facts.imports[i] = one(facts.imports[i]!);
}

/** A file's text read again, or undefined when it has none now (binary, unreadable...). */
function textOf(root: string, path: string): string | undefined {
  const t = readText(root, path);
  return isText(t) ? t : undefined;
}

/** One re-read text at a time: the wired-in check and the snippets ask file by file. */
let lastRead: { root: string; path: string; hash: string; text: string | undefined } | undefined;

/**
 * An analysed code file whose `text` is read again from disk when asked (the text was not
 * retained). The last read is kept by root, path and content hash: a later run in the same
 * process (the MCP server, a test) after the file changed must not get the old text (issue 16:
 * with fewer reads per run this became reachable, as a stale snippet line). Its own properties
 * are a spread `{ ...file, hash, facts }`'s, in that order; `text` is a getter of the class, so
 * every such file shares one hidden class (issue 16: a getter defined on each object gave each
 * file its own map, descriptors and closure, about 3.5 MB on /tmp/trio's 9,000 files).
 */
class RereadFile implements AnalyzedFile {
  path: string;
  language: ScannedFile['language'];
  role: ScannedFile['role'];
  size: number;
  mtimeMs: number;
  hash: string;
  facts: FileFacts;
  readonly #root: string;

  constructor(f: ScannedFile, hash: string, facts: FileFacts, root: string) {
    this.path = f.path;
    this.language = f.language;
    this.role = f.role;
    this.size = f.size;
    this.mtimeMs = f.mtimeMs;
    this.hash = hash;
    this.facts = facts;
    this.#root = root;
  }

  get text(): string | undefined {
    const root = this.#root;
    if (lastRead?.root !== root || lastRead.path !== this.path || lastRead.hash !== this.hash) {
      lastRead = { root, path: this.path, hash: this.hash, text: textOf(root, this.path) };
    }
    return lastRead.text;
  }
}

/**
 * The facts of one file read as `text`: its front end's, plus (when the plan has a fact filter
 * and asks for `records`) the signals each fact passes (`FileFacts.sigs`) and, for a product code file, the wired-in
 * record of src/extract/wired-facts.ts (issue 16).
 */
async function extractOne(
  f: ScannedFile,
  text: string,
  plan: ExtractPlan,
  loadTs: () => Promise<typeof import('./typescript.js')>,
  jsSource = true,
): Promise<FileFacts> {
  const facts = await frontEnd(f, text, plan, loadTs, jsSource);
  return plan.filter && plan.records ? withRecords(f, facts, plan, () => text) : facts;
}

/**
 * `facts` with the records a re-run reads (issue 16): the signals each fact passes
 * (`FileFacts.sigs`) and, for a product code file, the wired-in record
 * (src/extract/wired-facts.ts). What is already there is kept; `text` is asked only for a
 * missing wired-in record, and when it gives none the facts are returned as they are.
 * @param plan a plan with a fact filter
 * @returns `facts` itself when nothing was added, else a new object
 */
function withRecords(f: ScannedFile, facts: FileFacts, plan: ExtractPlan, text: () => string | undefined): FileFacts {
  const code = f.role === 'source' && isCode(f.language);
  if (facts.sigs && (!code || facts.wired)) return facts;
  const more: FileFacts = facts.sigs ? facts : { ...facts, sigs: plan.filter!.signalsOf(facts.facts) };
  if (!code || more.wired) return more;
  const t = text();
  return t === undefined ? facts : { ...more, wired: wiredFacts(t, f.language, nameTest(plan.prefilter)) };
}

async function frontEnd(
  f: ScannedFile,
  text: string,
  plan: ExtractPlan,
  loadTs: () => Promise<typeof import('./typescript.js')>,
  jsSource: boolean,
): Promise<FileFacts> {
  const test = f.role === 'test';
  // test files pass by the signals that count test facts (all of them without that prefilter)
  const relevant = test ? !plan.testPrefilter || plan.testPrefilter.test(text, f.language) : plan.prefilter.test(text);
  const keep = plan.filter?.forFile(f.role, f.language);
  switch (f.language) {
    case 'typescript':
    case 'javascript':
      if (!relevant) return scanTypeScriptImports(text);
      // nothing would read its facts: the compiler is not even loaded for a handful of such files
      if (!jsSource && !test && f.role !== 'source' && plan.filter && !plan.filter.takesCode(f.role)) return scanTypeScriptImports(text);
      // a test file of which only titles and imports count (and no call fact is kept): read lexically
      if (test && keep && plan.testPrefilter?.titlesOnly) return (await loadTs()).scanTestFile(f.path, text, keep);
      return (await loadTs()).extractTypeScript(f.path, text, keep, { titlesOnly: test && !!plan.testPrefilter?.titlesOnly });
    case 'python':
    case 'rust':
    case 'go': {
      // benchmark hook (scripts/bench-mixed.mjs): read the file, run no front end
      if (SKIP_FRONTENDS.has(f.language)) return { facts: [], imports: [], parsed: false };
      if (!relevant) return scanImports(f.language, text, f.path);
      if (process.env.PLUMBLINE_LINE_FRONTENDS === '1') return lineFrontEnd(f.language, text, f.path);
      try {
        // other files are parsed only in their top-level units that hold a stem; a test file of
        // which only titles and imports count, only in the units whose titles hold a stem (the
        // TypeScript front end reads such files lexically); other test files are parsed whole
        const units = !test
          ? (chunk: string) => plan.prefilter.test(chunk)
          : keep && plan.testPrefilter?.titlesOnly
            ? (chunk: string) => plan.testPrefilter!.test(chunk, f.language)
            : undefined;
        return await extractSyntax(f.language, text, f.path, units, keep);
      } catch {
        // a grammar that cannot load (or a parser crash) falls back to the line-level front end
        return lineFrontEnd(f.language, text, f.path);
      }
    }
    case 'config':
      return extractConfig(text, keep);
    default:
      return { facts: [], imports: [], parsed: false };
  }
}

function lineFrontEnd(lang: 'python' | 'rust' | 'go', text: string, path: string): FileFacts {
  return lang === 'python' ? extractPython(text) : lang === 'rust' ? extractRust(text, path) : extractGo(text);
}

/**
 * Imports and entry-point marks only, for Python/Rust/Go files that fail the prefilter (they
 * cannot hold a fact any signal matches, but reachability still needs their imports). Python
 * dotted module strings are kept as string facts for dynamic-import reachability.
 */
export function scanImports(lang: 'python' | 'rust' | 'go', text: string, path: string): FileFacts {
  const imports: string[] = [];
  const facts: FileFacts['facts'] = [];
  let entry = false;
  if (lang === 'python') {
    for (const m of text.matchAll(/^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)/gm)) for (const mod of m[1]!.split(',')) imports.push(mod.trim());
    // a parenthesised name list may span lines (and hold comments); a bare one ends at its line
    for (const m of text.matchAll(/^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)|([\w \t,*]*))/gm)) {
      const mod = m[1]!;
      imports.push(mod);
      const names = m[2] !== undefined ? m[2].replace(/#[^\n]*/g, '') : m[3]!;
      for (const name of names.split(',').map((x) => x.trim().split(/\s+/)[0]).filter((x): x is string => !!x && x !== '*')) imports.push(`${mod}${mod.endsWith('.') ? '' : '.'}${name}`);
    }
    entry = /^[ \t]*if[ \t]+__name__[ \t]*==[ \t]*["']__main__["']/m.test(text);
    // one pass over the text; line numbers are counted only for the (rare) matches
    let line = 1;
    let at = 0;
    for (const m of text.matchAll(/["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,})["']/g)) {
      for (let i = text.indexOf('\n', at); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
      at = m.index;
      // a copy: a slice would keep the file text alive with the fact (FactSink copies the same way)
      facts.push({ k: 'string', v: flat(m[1]!), l: line });
    }
  } else if (lang === 'rust') {
    for (const m of text.matchAll(/^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?use[ \t]+([\w:]+)/gm)) imports.push(m[1]!);
    for (const m of text.matchAll(/^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?mod[ \t]+(\w+)[ \t]*;/gm)) imports.push(`mod:${m[1]}`);
    entry = /(^|\/)src\/main\.rs$|(^|\/)src\/bin\/[^/]+\.rs$/.test(path) || /^fn[ \t]+main[ \t]*\(/m.test(text);
  } else {
    for (const m of text.matchAll(/^import[ \t]+(?:\w+[ \t]+)?"([^"]+)"/gm)) imports.push(m[1]!);
    for (const block of text.matchAll(/^import[ \t]*\(([\s\S]*?)^\)/gm)) for (const m of block[1]!.matchAll(/"([^"]+)"/g)) imports.push(m[1]!);
    entry = /^package[ \t]+main\b/m.test(text);
  }
  return { facts, imports, entry, parsed: false };
}

/** Config files (YAML, TOML, JSON): one `text` fact per non-empty, non-comment line (first 2,000) that `keep` keeps. */
function extractConfig(text: string, keep?: KeepFn): FileFacts {
  const facts: FileFacts['facts'] = [];
  const lines = text.split(/\r?\n/, 2000);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t && !t.startsWith('#') && t.length <= 200 && (!keep || keep('text', t, false))) facts.push({ k: 'text', v: flat(t), l: i + 1 });
  });
  return { facts, imports: [], parsed: true };
}

const SUPPRESS = /plumbline-ignore\s+([A-Za-z0-9_-]+)(?:\s+--[ \t]*(.*?))?[ \t]*(?:\*\/|-->|#\})?[ \t]*$/;

/**
 * Finds suppression comments: `plumbline-ignore <primitive-id> -- <reason>` in any comment
 * style (`//`, `#`, `/* *\/`, `<!-- -->`). A missing reason is kept as '' so the report can say
 * the suppression was ignored.
 */
export function scanSuppressions(text: string): Array<{ id: string; reason: string; line: number }> {
  const out: Array<{ id: string; reason: string; line: number }> = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.includes('plumbline-ignore')) return;
    const m = SUPPRESS.exec(l);
    if (m) out.push({ id: m[1]!, reason: (m[2] ?? '').trim(), line: i + 1 });
  });
  return out;
}
