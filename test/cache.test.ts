import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisCache, asciiJson, MAX_CODE_CACHES, MAX_ROOT_CACHES, pruneCodeCaches, pruneRootCaches, readCacheText, ROOT_CACHE_TTL_MS, rootFolderName } from '../src/util/cache.js';
import type { FileFacts } from '../src/extract/types.js';
import { tmp } from './helpers.js';
import { buildFactFilter } from '../src/extract/keep.js';
import { loadRubric } from '../src/rubric/load.js';
import { withAllSignals } from '../src/rubric/all-signals.js';
import { SignalIndex } from '../src/detect/match.js';
import { allSignals } from '../src/extract/keep.js';

/** Points PLUMBLINE_CACHE_DIR at a new temp folder for each test of the enclosing describe (given to `set`), restoring it after. */
function useCacheDir(set: (dir: string) => void): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.PLUMBLINE_CACHE_DIR;
    const dir = tmp('plumbline-cache-');
    set(dir);
    process.env.PLUMBLINE_CACHE_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PLUMBLINE_CACHE_DIR;
    else process.env.PLUMBLINE_CACHE_DIR = saved;
  });
}

const facts = (v: string): FileFacts => ({ facts: [{ k: 'decl', v, l: 1 }], imports: [], parsed: true });

describe('analysis cache files (issue 16)', () => {
  let dir: string;
  useCacheDir((d) => (dir = d));

  test('files are pure ASCII and read back equal, non-ASCII text included; an older UTF-8 file still reads', () => {
    const data = { s: 'café … 😀 \u2028 "q" \\ \ud800' };
    const text = asciiJson(data);
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
    expect(JSON.parse(text)).toEqual(data);
    const f = join(dir, 'x.json');
    writeFileSync(f, text);
    expect(JSON.parse(readCacheText(f))).toEqual(data);
    writeFileSync(f, JSON.stringify(data), 'utf8');
    expect(JSON.parse(readCacheText(f))).toEqual(data);
  });

  test('a re-run with a few changed files writes only their facts, and the next load sees base and delta', () => {
    const root = tmp('plumbline-root-');
    const first = new AnalysisCache(root, true);
    expect(first.loadFacts().size).toBe(0);
    const store = new Map<string, FileFacts>();
    const used = new Set<string>();
    for (let i = 0; i < 100; i++) {
      store.set(`h${i}`, facts(`n${i}`));
      used.add(`h${i}`);
    }
    first.saveFacts(store, used);
    const sub = readdirSync(dir).find((d) => d !== 'v8')!;
    const base = readFileSync(join(dir, sub, 'facts.json'), 'utf8');

    // one file changed: its old hash is no longer used, a new one is
    const second = new AnalysisCache(root, true);
    const s2 = second.loadFacts();
    expect(s2.size).toBe(100);
    s2.set('new', facts('é'));
    used.delete('h3');
    used.add('new');
    second.saveFacts(s2, used);
    expect(readFileSync(join(dir, sub, 'facts.json'), 'utf8')).toBe(base);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, sub, 'facts-delta.json'), 'utf8')))).toEqual(['new']);

    const third = new AnalysisCache(root, true).loadFacts();
    expect(third.get('new')).toEqual(facts('é'));
    expect(third.get('h7')).toEqual(facts('n7'));

    // most files changed: the base is rewritten with the used entries only, the delta emptied
    const fourth = new AnalysisCache(root, true);
    const s4 = fourth.loadFacts();
    const used4 = new Set<string>(['new']);
    for (let i = 0; i < 100; i++) {
      s4.set(`k${i}`, facts(`m${i}`));
      used4.add(`k${i}`);
    }
    fourth.saveFacts(s4, used4);
    const rewritten = JSON.parse(readFileSync(join(dir, sub, 'facts.json'), 'utf8')) as Record<string, FileFacts>;
    expect(Object.keys(rewritten).length).toBe(101);
    expect(rewritten.h1).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, sub, 'facts-delta.json'), 'utf8'))).toEqual({});
    expect(new AnalysisCache(root, true).loadFacts().size).toBe(101);
    expect(existsSync(join(root, 'facts.json'))).toBe(false);
  });

  test('base entries given records on a re-run (`updated`) are written, and the next load has them', () => {
    const root = tmp('plumbline-root-');
    const store = new Map<string, FileFacts>();
    const used = new Set<string>();
    for (let i = 0; i < 100; i++) {
      store.set(`h${i}`, facts(`n${i}`));
      used.add(`h${i}`);
    }
    new AnalysisCache(root, true).saveFacts(store, used);
    // a re-run adds the signal answers to two cached entries: same keys, new content
    const second = new AnalysisCache(root, true);
    const s2 = second.loadFacts();
    for (const h of ['h1', 'h2']) s2.set(h, { ...s2.get(h)!, sigs: [[0, 3]] });
    second.saveFacts(s2, used, new Set(['h1', 'h2']));
    const sub = readdirSync(dir).find((d) => d !== 'v8')!;
    expect(Object.keys(JSON.parse(readFileSync(join(dir, sub, 'facts-delta.json'), 'utf8')))).toEqual(['h1', 'h2']);
    const third = new AnalysisCache(root, true).loadFacts();
    expect(third.get('h1')!.sigs).toEqual([[0, 3]]);
    expect(third.get('h3')!.sigs).toBeUndefined();
    // a later re-run that updates nothing keeps them (the delta is written again, with them)
    const fourth = new AnalysisCache(root, true);
    const s4 = fourth.loadFacts();
    used.delete('h9');
    s4.set('new', facts('x'));
    used.add('new');
    fourth.saveFacts(s4, used);
    const fifth = new AnalysisCache(root, true).loadFacts();
    expect(fifth.get('h2')!.sigs).toEqual([[0, 3]]);
    expect(fifth.get('new')).toEqual(facts('x'));
  });

  test('keepFacts: the next load in the process returns the kept store, pruned to the run\'s entries, until another writer changes the files', () => {
    const root = tmp('plumbline-root-');
    const first = new AnalysisCache(root, true, { keepFacts: true });
    const store = first.loadFacts();
    const used = new Set<string>();
    for (let i = 0; i < 100; i++) {
      store.set(`h${i}`, facts(`n${i}`));
      used.add(`h${i}`);
    }
    store.set('stale', facts('old'));
    first.saveFacts(store, used);
    expect(store.has('stale')).toBe(false);
    // the same process, the files as it wrote them: no read
    const taken = new AnalysisCache(root, true, { keepFacts: true });
    expect(taken.loadFacts()).toBe(store);
    // while a run uses the kept store, a concurrent run of the root reads the files
    const concurrent = new AnalysisCache(root, true, { keepFacts: true }).loadFacts();
    expect(concurrent).not.toBe(store);
    expect([...concurrent.keys()].sort()).toEqual([...store.keys()].sort());
    // the store is kept again when its run saves
    taken.saveFacts(store, used);
    expect(new AnalysisCache(root, true, { keepFacts: true }).loadFacts()).toBe(store);
    // without keepFacts the files are read, with the same entries
    const read = new AnalysisCache(root, true).loadFacts();
    expect(read).not.toBe(store);
    expect([...read.keys()].sort()).toEqual([...store.keys()].sort());
    // another writer (a CLI run) adds an entry: the next keepFacts load reads the files again
    const cli = new AnalysisCache(root, true);
    const s = cli.loadFacts();
    s.set('cli', facts('from the cli'));
    cli.saveFacts(s, new Set([...used, 'cli']));
    const again = new AnalysisCache(root, true, { keepFacts: true }).loadFacts();
    expect(again).not.toBe(store);
    expect(again.get('cli')).toEqual(facts('from the cli'));
    // another root is not served the kept store
    expect(new AnalysisCache(tmp('plumbline-root-'), true, { keepFacts: true }).loadFacts().size).toBe(0);
  });

  test('signal answers kept with the facts seed a fresh index with the answers it would compute', () => {
    const all = withAllSignals(loadRubric().rubric);
    const values: Array<[FileFacts['facts'][number]['k'], string]> = [
      ['decl', 'runAgentLoop'], ['call', 'client.messages.create'], ['member', 'maxRetries'], ['decl', 'nothingHere'],
      ['string', 'approval required'], ['key', 'max_tokens'], ['union', 'StreamEvent:start|delta|stop'], ['call', 'console.log'],
    ];
    const ff: FileFacts = { facts: values.map(([k, v], i) => ({ k, v, l: i + 1 })), imports: [], parsed: true };
    ff.sigs = buildFactFilter(all).signalsOf(ff.facts);
    expect(ff.sigs.length).toBeGreaterThan(2);
    expect(ff.sigs.length).toBeLessThan(values.length);
    // a second run: a fresh filter (and shared index) seeded from the cached answers
    const fresh = buildFactFilter(all);
    fresh.prime(JSON.parse(asciiJson(ff)) as FileFacts);
    const shared = SignalIndex.sharedFor(allSignals(all))!;
    const reference = new SignalIndex(allSignals(all));
    for (const [k, v] of values) expect(shared.candidates(k, v).map((s) => s.signal.id)).toEqual(reference.candidates(k, v).map((s) => s.signal.id));
    // the seeded answer is the one used (a value no signal passes, seeded with the first decl signal)
    expect(reference.candidates('decl', 'zzqq')).toEqual([]);
    fresh.prime({ facts: [{ k: 'decl', v: 'zzqq', l: 1 }], imports: [], parsed: true, sigs: [[0, 0]] });
    expect(shared.candidates('decl', 'zzqq').length).toBe(1);
  });
});

describe('the TypeScript compiler\'s code cache (issue 16)', () => {
  test('kept with --no-cache (and nothing else), one file per set of Node flags, off with NODE_DISABLE_COMPILE_CACHE', async () => {
    const { cli, fixture, tmp } = await import('./helpers.js');
    const { existsSync, readdirSync } = await import('node:fs');
    const dir = tmp('plumbline-cache-');
    const files = () => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []);
    const run = (env: Record<string, string>) => cli(['evaluate', fixture('ts-minimal-chat'), '--no-cache', '-f', 'json'], { PLUMBLINE_CACHE_DIR: dir, NODE_OPTIONS: '', NODE_DISABLE_COMPILE_CACHE: '', ...env });
    const off = run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.code, off.stderr).toBe(0);
    expect(files()).toEqual([]);
    const first = run({});
    expect(first.code, first.stderr).toBe(0);
    const one = files().filter((f) => f.endsWith('.v8'));
    expect(files()).toEqual(['v8', ...one]);
    expect(one).toHaveLength(1);
    // the same flags reuse the file; other flags get their own (V8 rejects code cached under other flags)
    expect(run({}).stdout).toBe(first.stdout);
    expect(files().filter((f) => f.endsWith('.v8'))).toEqual(one);
    expect(run({ NODE_OPTIONS: '--expose-gc' }).stdout).toBe(first.stdout);
    expect(files().filter((f) => f.endsWith('.v8'))).toHaveLength(2);
  });
});

describe('a long-lived process keeps no run state (issue 16, the MCP server)', () => {
  test('the run\'s shared signal index is released when evaluate returns, and when it throws', async () => {
    const { evaluate } = await import('../src/evaluate.js');
    const { fixture } = await import('./helpers.js');
    const all = withAllSignals(loadRubric().rubric);
    buildFactFilter(all);
    expect(SignalIndex.sharedFor([])).toBeDefined();
    await evaluate({ target: fixture('python-agent'), cache: false });
    expect(SignalIndex.sharedFor([])).toBeUndefined();
    buildFactFilter(all);
    await expect(evaluate({ target: fixture('python-agent'), cache: false, rubric: { ...loadRubric(), rubric: { ...loadRubric().rubric, primitives: null as never } } })).rejects.toThrow();
    expect(SignalIndex.sharedFor([])).toBeUndefined();
  });
});

describe('cached re-runs give the report of an uncached run (issue 16)', () => {
  test('after an edit that moves evidence lines, the cached re-run (records, signal answers, kept evidence lines, facts kept in memory) gives the uncached report', async () => {
    const { cpSync, readdirSync: ls, readFileSync: rd, writeFileSync: wr, utimesSync } = await import('node:fs');
    const { evaluate } = await import('../src/evaluate.js');
    const { fixture } = await import('./helpers.js');
    const saved = process.env.PLUMBLINE_CACHE_DIR;
    process.env.PLUMBLINE_CACHE_DIR = tmp('plumbline-cache-');
    try {
      const root = tmp('plumbline-rerun-');
      cpSync(fixture('ts-full-harness'), root, { recursive: true });
      const first = await evaluate({ target: root });
      expect(first).toEqual(await evaluate({ target: root, cache: false }));
      const sub = ls(process.env.PLUMBLINE_CACHE_DIR).find((d) => d !== 'v8')!;
      const kept = JSON.parse(rd(join(process.env.PLUMBLINE_CACHE_DIR, sub, 'lines.json'), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(kept).length).toBeGreaterThan(0);
      // two lines at the top of a file with evidence: its lines move, the others' do not
      const file = first.primitives.flatMap((p) => p.evidence).find((e) => e.file.endsWith('.ts'))!.file;
      const path = join(root, file);
      wr(path, `// one\n// two\n${rd(path, 'utf8')}`);
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      const cached = await evaluate({ target: root });
      const uncached = await evaluate({ target: root, cache: false });
      expect(cached).toEqual(uncached);
      expect(JSON.stringify(cached)).not.toEqual(JSON.stringify(first));
      // a long-lived process that keeps the facts (the MCP server): each edit gives the uncached
      // report, also to two runs of the root at once
      expect(await evaluate({ target: root, keepFacts: true })).toEqual(uncached);
      let stamp = 10_000;
      const edit = () => {
        wr(path, `// more\n${rd(path, 'utf8')}`);
        utimesSync(path, new Date(), new Date(Date.now() + (stamp += 5000)));
      };
      edit();
      const held = await evaluate({ target: root, keepFacts: true });
      const now = await evaluate({ target: root, cache: false });
      expect(held).toEqual(now);
      expect(JSON.stringify(held)).not.toEqual(JSON.stringify(uncached));
      edit();
      const both = await Promise.all([evaluate({ target: root, keepFacts: true }), evaluate({ target: root, keepFacts: true })]);
      const after = await evaluate({ target: root, cache: false });
      expect(both[0]).toEqual(after);
      expect(both[1]).toEqual(after);
      expect(JSON.stringify(after)).not.toEqual(JSON.stringify(now));
    } finally {
      if (saved === undefined) delete process.env.PLUMBLINE_CACHE_DIR;
      else process.env.PLUMBLINE_CACHE_DIR = saved;
    }
  });
});

describe('the user cache stays bounded (issue 16)', () => {
  const DAY = 24 * 3600_000;
  /** Sets a path's mtime to `daysAgo` days before `now`. */
  const age = (path: string, daysAgo: number, now = Date.now()) => {
    const t = new Date(now - daysAgo * DAY);
    utimesSync(path, t, t);
  };
  const hex = (i: number) => rootFolderName(`root ${i}`);

  test('root folders: the stale and those beyond the most recent MAX_ROOT_CACHES go; the current one and entries not ours stay', () => {
    const base = tmp('plumbline-cache-');
    const now = Date.now();
    // 40 root folders used 0..39 hours ago (all within the age limit), each with a file
    for (let i = 0; i < 40; i++) {
      mkdirSync(join(base, hex(i)));
      writeFileSync(join(base, hex(i), 'run.json'), '{}');
      age(join(base, hex(i)), i / 24, now);
    }
    // not ours: other folders, a file with a root's name, a link with a root's name to a folder outside
    mkdirSync(join(base, 'audit'));
    age(join(base, 'audit'), 400, now);
    writeFileSync(join(base, 'a'.repeat(24)), 'x');
    const outside = tmp('plumbline-outside-');
    writeFileSync(join(outside, 'keep.txt'), 'mine');
    symlinkSync(outside, join(base, 'b'.repeat(24)));
    const current = join(base, hex(39)); // the oldest, but the run's own
    const removed = pruneRootCaches(base, current, now);
    const left = readdirSync(base).filter((n) => /^[0-9a-f]{24}$/.test(n) && lstatSync(join(base, n)).isDirectory());
    // kept: the current one, then the most recent up to the cap
    expect(MAX_ROOT_CACHES).toBeLessThan(40);
    expect(left.sort()).toEqual([hex(39), ...Array.from({ length: MAX_ROOT_CACHES - 1 }, (_, i) => hex(i))].sort());
    expect(removed).toHaveLength(40 - MAX_ROOT_CACHES);
    expect(existsSync(join(base, 'audit'))).toBe(true);
    expect(readFileSync(join(base, 'a'.repeat(24)), 'utf8')).toBe('x');
    expect(lstatSync(join(base, 'b'.repeat(24))).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('mine');
    // the age limit alone: with room for all, only folders unused for more than 30 days go
    const few = tmp('plumbline-cache-');
    for (const d of [1, 29, 31, 90]) {
      mkdirSync(join(few, hex(d)));
      age(join(few, hex(d)), d, now);
    }
    expect(pruneRootCaches(few, undefined, now).map((p) => p.slice(few.length + 1)).sort()).toEqual([hex(31), hex(90)].sort());
    expect(ROOT_CACHE_TTL_MS).toBe(30 * DAY);
  });

  describe('through the cache', () => {
    let dir: string;
    useCacheDir((d) => (dir = d));
    const save = (root: string) => {
      const c = new AnalysisCache(root, true);
      const store = c.loadFacts();
      store.set('h', facts('n'));
      c.saveFacts(store, new Set(['h']));
      c.saveRun('key', '{"report":1}');
      return c;
    };
    const folder = (root: string) => join(dir, rootFolderName(root));

    test('a run that creates its root\'s folder removes stale ones; a run of a known root removes nothing; a memo hit marks its folder used', () => {
      const known = tmp('plumbline-root-');
      const stale = tmp('plumbline-root-');
      save(known);
      save(stale);
      age(folder(stale), 45);
      age(folder(known), 45);
      // a known root's run grows nothing: no pruning, even of the stale folder
      save(known);
      expect(existsSync(folder(stale))).toBe(true);
      // a memo hit of the stale root marks it used
      const before = statSync(folder(stale)).mtimeMs;
      expect(new AnalysisCache(stale, true).loadRun('key')).toBe('{"report":1}');
      expect(statSync(folder(stale)).mtimeMs).toBeGreaterThan(before);
      age(folder(stale), 45);
      // a new root's first run prunes the folders unused for more than 30 days
      const fresh = tmp('plumbline-root-');
      save(fresh);
      expect(existsSync(folder(stale))).toBe(false);
      expect(existsSync(folder(known))).toBe(true); // written by its run above: used today
      expect(existsSync(folder(fresh))).toBe(true);
      // and the pruned root simply starts again
      expect(new AnalysisCache(stale, true).loadFacts().size).toBe(0);
    });
  });

  test('code cache: the folder keeps the MAX_CODE_CACHES most recently used files; a CLI run that writes a new one prunes the oldest, one that uses one marks it', async () => {
    const { cli, fixture } = await import('./helpers.js');
    const base = tmp('plumbline-cache-');
    const v8 = join(base, 'v8');
    mkdirSync(v8);
    // older files as other Node versions or flags would have left (never loaded: other names)
    const old = Array.from({ length: MAX_CODE_CACHES + 1 }, (_, i) => `typescript-v0.0.${i}-x64-1-1-0000000${i}.v8`);
    old.forEach((n, i) => {
      writeFileSync(join(v8, n), 'stale');
      age(join(v8, n), 10 - i);
    });
    writeFileSync(join(v8, 'notes.txt'), 'not a code cache');
    age(join(v8, 'notes.txt'), 100);
    const run = () => cli(['evaluate', fixture('ts-minimal-chat'), '--no-cache', '-f', 'json'], { PLUMBLINE_CACHE_DIR: base, NODE_OPTIONS: '', NODE_DISABLE_COMPILE_CACHE: '' });
    const first = run();
    expect(first.code, first.stderr).toBe(0);
    const files = () => readdirSync(v8).filter((n) => n.endsWith('.v8')).sort();
    const mine = files().filter((n) => !old.includes(n));
    expect(mine).toHaveLength(1);
    // the new file and the most recent of the old ones, MAX_CODE_CACHES in all
    expect(files()).toEqual([...mine, ...old.slice(old.length - (MAX_CODE_CACHES - 1))].sort());
    expect(readFileSync(join(v8, 'notes.txt'), 'utf8')).toBe('not a code cache');
    // a run that loads the file marks it used; the report is the same
    age(join(v8, mine[0]!), 20);
    expect(run().stdout).toBe(first.stdout);
    expect(Date.now() - statSync(join(v8, mine[0]!)).mtimeMs).toBeLessThan(DAY);
    // so a later prune keeps it and drops the oldest other
    expect(pruneCodeCaches(v8, undefined, 2).map((p) => p.slice(v8.length + 1)).sort()).toEqual(old.slice(old.length - (MAX_CODE_CACHES - 1), old.length - 1).sort());
    expect(files()).toEqual([mine[0]!, old[old.length - 1]!].sort());
  });
});
