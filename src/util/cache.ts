import { existsSync, lstatSync, readdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { FileFacts } from '../extract/types.js';
import { readAsciiFast, sha256, touch, userCacheDir, writeFileAtomic } from './fs.js';

/**
 * JSON text with every non-ASCII character escaped (`\\u00e9`): a cache file is then pure ASCII,
 * and `readCacheText` decodes it byte for byte. Issue 16: a handful of non-ASCII characters made
 * the whole 6 MB facts text a two-byte string, slow to decode and to parse.
 */
export function asciiJson(data: unknown): string {
  const json = JSON.stringify(data);
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

/** A cache file's text (`readAsciiFast`: files `asciiJson` wrote are ASCII; an older version's may be UTF-8). */
export const readCacheText = readAsciiFast;

/**
 * The facts of the last root a long-lived process audited with `keepFacts` (issue 16: the MCP
 * server), with the size and mtime of the two facts files as they were when the store matched
 * them. One root only, so a server that audits many folders holds one store at a time. A run
 * takes the store (it is unset while the run uses it: a concurrent run of the same root reads
 * the files instead of sharing a map the other prunes) and puts it back when it saves.
 */
let held: { dir: string; stamp: string; store: Map<string, FileFacts>; baseKeys: Set<string>; deltaKeys: Set<string> } | undefined;

/** Options of `AnalysisCache` beyond on/off. */
export interface AnalysisCacheOptions {
  /**
   * Keep the facts in memory after the run and use them on the next run of the same root in this
   * process, as long as the facts files on disk are the ones this process last read or wrote (any
   * other writer, such as a CLI run, makes the next run read them again). For long-lived hosts:
   * the MCP server. Issue 16: a re-run then parses the changed files only, with no facts file to
   * read and parse again (about 0.1 s and its garbage on gemini-cli).
   */
  keepFacts?: boolean;
}

/**
 * On-disk cache in the user's cache directory (never inside the scanned repository):
 * - facts: per-file facts keyed by content hash (an unchanged file is never parsed twice);
 * - run memo: the last report keyed by (tool, rubric, options, every file's path+size+mtime),
 *   so an unchanged re-run answers without reading a file.
 * Corrupt or unreadable cache files are ignored (treated as a miss), never fatal.
 */
export class AnalysisCache {
  private readonly dir: string | undefined;
  /** `<user cache>/v8`, unless the user cache lies inside the scanned root. */
  private readonly code: string | undefined;
  /** Hashes held by `facts.json` as loaded (the base the delta file adds to). */
  private baseKeys = new Set<string>();
  /** Hashes held by `facts-delta.json` as loaded: written again while used (some are base keys with newer facts). */
  private deltaKeys = new Set<string>();
  /** The user cache folder (`userCacheDir()`) this cache's folders live in. */
  private readonly base: string;
  /** Whether this run's first write created the root's folder (set at the first write): then the run prunes the other roots' folders. */
  private created: boolean | undefined;

  /**
   * @param root absolute path of the scanned repository (one cache folder per root)
   * @param enabled false for `--no-cache`
   */
  constructor(root: string, enabled: boolean, private readonly opts: AnalysisCacheOptions = {}) {
    const base = (this.base = userCacheDir());
    const rel = relative(root, base);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    this.dir = enabled && !inside ? join(base, rootFolderName(root)) : undefined;
    this.code = inside ? undefined : join(base, 'v8');
  }

  get enabled(): boolean {
    return this.dir !== undefined;
  }

  /**
   * Folder for compiled-code caches (V8 code of the TypeScript compiler, shared by every root), or
   * undefined when the user cache lies inside the scanned root or `NODE_DISABLE_COMPILE_CACHE` is
   * set (Node's own switch for its compile cache). Unlike the facts and the run memo it stays on
   * with `--no-cache`: it holds compiled code of plumbline's dependencies, nothing read from a
   * repository, and cannot change a report (issue 16; `tsc` keeps Node's compile cache the same way).
   */
  get codeDir(): string | undefined {
    return process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : this.code;
  }

  private read<T>(name: string): T | undefined {
    if (!this.dir) return undefined;
    try {
      return JSON.parse(readCacheText(join(this.dir, name))) as T;
    } catch {
      return undefined;
    }
  }

  private write(name: string, data: unknown): void {
    if (!this.dir) return;
    this.created ??= !existsSync(this.dir);
    try {
      writeFileAtomic(join(this.dir, name), asciiJson(data));
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }

  /**
   * Facts by content hash: `facts.json` and the entries `facts-delta.json` adds to it. With
   * `keepFacts`, the store this process kept for the same root when the files are unchanged since
   * (see `AnalysisCacheOptions`).
   */
  loadFacts(): Map<string, FileFacts> {
    if (this.opts.keepFacts && held && held.dir === this.dir) {
      // taken either way: a stale store (another writer changed the files) is not kept beside the one read now
      const { stamp, store, baseKeys, deltaKeys } = held;
      held = undefined;
      if (stamp === this.stamp()) {
        this.baseKeys = baseKeys;
        this.deltaKeys = deltaKeys;
        return store;
      }
    }
    const obj = this.read<Record<string, FileFacts>>('facts.json');
    const store = new Map(obj ? Object.entries(obj) : []);
    this.baseKeys = new Set(store.keys());
    const delta = obj ? this.read<Record<string, FileFacts>>('facts-delta.json') : undefined;
    this.deltaKeys = new Set(delta ? Object.keys(delta) : []);
    if (delta) for (const [h, f] of Object.entries(delta)) store.set(h, f);
    return store;
  }

  /** Size and mtime of `facts.json` and `facts-delta.json` (`-` for a missing file). */
  private stamp(): string {
    if (!this.dir) return '';
    return ['facts.json', 'facts-delta.json'].map((name) => {
      try {
        const st = statSync(join(this.dir!, name));
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    }).join(' ');
  }

  /** With `keepFacts`: the store, pruned to this run's entries, is kept with the files' stamp as just written (see `held`). */
  private hold(store: Map<string, FileFacts>, used: Set<string>): void {
    if (!this.opts.keepFacts || !this.dir) return;
    for (const h of store.keys()) if (!used.has(h)) store.delete(h);
    held = { dir: this.dir, stamp: this.stamp(), store, baseKeys: this.baseKeys, deltaKeys: this.deltaKeys };
  }

  /**
   * Stores the facts of this run's files only (entries of deleted/changed files are pruned).
   * Issue 16: a re-run after a few files changed writes only their entries (`facts-delta.json`,
   * on top of the `facts.json` it loaded) instead of every file's facts again; the base is
   * rewritten (and the delta emptied) once the delta or the stale entries of the base pass a
   * tenth of the base.
   * @param used the hashes of this run's files (the entries kept)
   * @param updated base entries whose facts this run changed in place (records added, see
   *   `ExtractPlan.records`): written to the delta, which keeps carrying them while they are used
   * With `keepFacts` the store is then pruned in place to `used` and kept for the next run.
   */
  saveFacts(store: Map<string, FileFacts>, used: Set<string>, updated: Set<string> = new Set()): void {
    const base = this.baseKeys;
    // entries new to the base, base entries given records this run (`updated`), and those the
    // delta already carried (a base entry updated by an earlier run lives in the delta)
    const added = [...used].filter((h) => (!base.has(h) || updated.has(h) || this.deltaKeys.has(h)) && store.has(h)).sort();
    let stale = base.size;
    for (const h of used) if (base.has(h)) stale--;
    const limit = Math.max(64, base.size / 10);
    if (base.size && added.length <= limit && stale <= limit) {
      const out: Record<string, FileFacts> = {};
      for (const h of added) out[h] = store.get(h)!;
      this.write('facts-delta.json', out);
      this.deltaKeys = new Set(added);
      this.hold(store, used);
      return;
    }
    const out: Record<string, FileFacts> = {};
    for (const h of [...used].sort()) {
      const f = store.get(h);
      if (f) out[h] = f;
    }
    this.write('facts.json', out);
    this.write('facts-delta.json', {});
    this.baseKeys = new Set(Object.keys(out));
    this.deltaKeys = new Set();
    this.hold(store, used);
  }

  /**
   * The last run's content hashes by path with size and mtime, valid for one extractor salt
   * (`key`, checked by the extract stage): files unchanged by size and mtime are not read again (like git's index; a file
   * rewritten within the same millisecond at the same size keeps its old facts until touched).
   */
  loadHashes(): { key: string; files: Map<string, [number, number, string]> } {
    const r = this.read<{ key: string; files: Array<[string, number, number, string]> }>('hashes.json');
    return { key: r?.key ?? '', files: new Map(r ? r.files.map(([p, size, mtime, hash]) => [p, [size, mtime, hash]]) : []) };
  }

  saveHashes(hashes: { key: string; files: Map<string, [number, number, string]> }): void {
    this.write('hashes.json', { key: hashes.key, files: [...hashes.files].map(([p, [size, mtime, hash]]) => [p, size, mtime, hash]) });
  }

  /**
   * Evidence lines of earlier runs by content hash (src/detect/engine.ts `LineStore`), from
   * `lines.json`; `saveLines` writes it back only when lines were added or a tenth is stale.
   * Issue 16: a re-run reads no file for its snippets but the changed ones.
   */
  loadLines(): LineCache {
    const obj = this.read<Record<string, Record<number, string | null>>>('lines.json');
    return new LineCache(new Map(obj ? Object.entries(obj) : []));
  }

  /** Writes the lines of the content hashes this run used (see `loadLines`). */
  saveLines(lines: LineCache, used: Set<string>): void {
    let stale = 0;
    for (const h of lines.map.keys()) if (!used.has(h)) stale++;
    if (!lines.added && stale <= Math.max(64, lines.map.size / 10)) return;
    const out: Record<string, Record<number, string | null>> = {};
    for (const [h, l] of lines.map) if (used.has(h)) out[h] = l;
    this.write('lines.json', out);
  }

  /**
   * The memoized report text for `key`, if any. A hit marks the root's folder as used (its
   * mtime, which `pruneRootCaches` reads: a root answered from the memo for weeks is not stale).
   */
  loadRun(key: string): string | undefined {
    const r = this.read<{ key: string; report: string }>('run.json');
    if (!r || r.key !== key) return undefined;
    touch(this.dir!);
    return r.report;
  }

  /**
   * Memoizes the report text for `key`: the run's last write. When this run created the root's
   * folder (the only time the cache grows by a root), the folders of other roots are pruned
   * (`pruneRootCaches`).
   */
  saveRun(key: string, report: string): void {
    this.write('run.json', { key, report });
    if (this.created) pruneRootCaches(this.base, this.dir);
  }
}

/** Evidence lines by content hash (see `AnalysisCache.loadLines`); `added` once lines were put. */
export class LineCache {
  added = false;

  constructor(readonly map: Map<string, Record<number, string | null>>) {}

  get(hash: string): Record<number, string | null> | undefined {
    return this.map.get(hash);
  }

  put(hash: string, lines: Record<number, string | null>): void {
    this.map.set(hash, { ...this.map.get(hash), ...lines });
    this.added = true;
  }
}

/** A root's cache folder that no run has used for this long is removed: 30 days, in ms. */
export const ROOT_CACHE_TTL_MS = 30 * 24 * 3600_000;
/** At most this many roots' cache folders are kept, the most recently used (a few MB each, up to about 10 MB on a 20 MB monorepo). */
export const MAX_ROOT_CACHES = 32;
/** At most this many V8 code-cache files are kept in `<user cache>/v8` (2.5 MB each: one per Node version, compiler build and set of Node flags). */
export const MAX_CODE_CACHES = 4;

/** Hex digits of the root path's sha256 that name a root's cache folder. */
const ROOT_HEX = 24;
/** A root's cache folder name (`<user cache>/<name>`): the first `ROOT_HEX` hex digits of the root path's sha256. */
export function rootFolderName(root: string): string {
  return sha256(root).slice(0, ROOT_HEX);
}
/** What `rootFolderName` gives: the only names `pruneRootCaches` removes. */
const ROOT_FOLDER = new RegExp(`^[0-9a-f]{${ROOT_HEX}}$`);
/** The name of a compiler code-cache file (src/extract/ts-compiler.ts). */
const CODE_CACHE_FILE = /^typescript-[\w.-]+\.v8$/;

/**
 * Bounds the user cache by roots: removes the root cache folders (`<user cache>/<24 hex>`) whose
 * last use (the folder's mtime: each cache write renames a file into it, a memo hit touches it)
 * is older than `ttlMs`, then all but the `max` most recently used. Issue 16 ("flat"): without
 * it every audited path (a CI checkout at a new path each run, a temp copy) left its facts behind.
 * Only real directories with plumbline's folder names are touched, never symlinks or other
 * entries; a folder another process removes first, or one that cannot be removed, is skipped.
 * @param base the user cache folder (`userCacheDir()`)
 * @param keep the current run's folder, never removed
 * @param now the clock, ms since the epoch
 * @returns the folders removed (absolute paths)
 */
export function pruneRootCaches(base: string, keep: string | undefined, now = Date.now(), ttlMs = ROOT_CACHE_TTL_MS, max = MAX_ROOT_CACHES): string[] {
  return evict(base, (name, st) => ROOT_FOLDER.test(name) && st.isDirectory(), keep, now, ttlMs, max);
}

/**
 * Bounds the compiler's code cache (`<user cache>/v8`): keeps the `max` most recently used
 * code-cache files (mtime; a load that uses one touches it) and removes the rest. Called when a
 * new file is written, the only time the folder grows (a new Node version, compiler build or set
 * of Node flags).
 * @param dir the code-cache folder
 * @param keep the file just written or used, never removed
 * @returns the files removed (absolute paths)
 */
export function pruneCodeCaches(dir: string, keep: string | undefined, max = MAX_CODE_CACHES): string[] {
  return evict(dir, (name, st) => CODE_CACHE_FILE.test(name) && st.isFile(), keep, Date.now(), Infinity, max);
}

/** Removes the entries of `dir` that `mine` claims, older than `ttlMs` or beyond the `max` newest (by mtime), never `keep`. */
function evict(dir: string, mine: (name: string, st: Stats) => boolean, keep: string | undefined, now: number, ttlMs: number, max: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: Array<{ path: string; used: number }> = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (mine(name, st)) entries.push({ path, used: st.mtimeMs });
    } catch {
      /* removed meanwhile */
    }
  }
  // newest first; the kept one counts toward `max` wherever its mtime puts it
  entries.sort((a, b) => b.used - a.used || (a.path < b.path ? -1 : 1));
  const removed: string[] = [];
  let kept = keep !== undefined && entries.some((e) => e.path === keep) ? 1 : 0;
  for (const e of entries) {
    if (e.path === keep) continue;
    if (now - e.used <= ttlMs && kept < max) {
      kept++;
      continue;
    }
    try {
      rmSync(e.path, { recursive: true, force: true });
      removed.push(e.path);
    } catch {
      /* in use or not ours to remove: left */
    }
  }
  return removed;
}
