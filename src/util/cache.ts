import { readFileSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { FileFacts } from '../extract/types.js';
import { sha256, userCacheDir, writeFileAtomic } from './fs.js';

/**
 * On-disk cache in the user's cache directory (never inside the scanned repository):
 * - facts: per-file facts keyed by content hash (an unchanged file is never parsed twice);
 * - run memo: the last report keyed by (tool, rubric, options, every file's path+size+mtime),
 *   so an unchanged re-run answers without reading a file.
 * Corrupt or unreadable cache files are ignored (treated as a miss), never fatal.
 */
export class AnalysisCache {
  private readonly dir: string | undefined;

  /**
   * @param root absolute path of the scanned repository (one cache folder per root)
   * @param enabled false for `--no-cache`
   */
  constructor(root: string, enabled: boolean) {
    const base = userCacheDir();
    const rel = relative(root, base);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    this.dir = enabled && !inside ? join(base, sha256(root).slice(0, 24)) : undefined;
  }

  get enabled(): boolean {
    return this.dir !== undefined;
  }

  /** Folder for compiled-code caches (shared by every root), or undefined when the cache is off. */
  get codeDir(): string | undefined {
    return this.dir ? join(userCacheDir(), 'v8') : undefined;
  }

  private read<T>(name: string): T | undefined {
    if (!this.dir) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private write(name: string, data: unknown): void {
    if (!this.dir) return;
    try {
      writeFileAtomic(join(this.dir, name), JSON.stringify(data));
    } catch {
      /* a cache that cannot be written is only slower */
    }
  }

  /** Facts by content hash. */
  loadFacts(): Map<string, FileFacts> {
    const obj = this.read<Record<string, FileFacts>>('facts.json');
    return new Map(obj ? Object.entries(obj) : []);
  }

  /** Stores the facts of this run's files only (entries of deleted/changed files are pruned). */
  saveFacts(store: Map<string, FileFacts>, used: Set<string>): void {
    const out: Record<string, FileFacts> = {};
    for (const h of [...used].sort()) {
      const f = store.get(h);
      if (f) out[h] = f;
    }
    this.write('facts.json', out);
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

  /** The memoized report text for `key`, if any. */
  loadRun(key: string): string | undefined {
    const r = this.read<{ key: string; report: string }>('run.json');
    return r && r.key === key ? r.report : undefined;
  }

  saveRun(key: string, report: string): void {
    this.write('run.json', { key, report });
  }
}
