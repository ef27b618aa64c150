import { isAscii } from 'node:buffer';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { homedir } from 'node:os';

/**
 * Writes `data` to `file` atomically: a temp file in the same directory, then rename, so a reader
 * never sees a partial file and a failure leaves the old file untouched. What is at `file` is
 * respected (issue 12): a device, FIFO or socket is written through, never replaced; a symlink
 * is resolved and the file it points to is replaced, the link kept; an existing file keeps its
 * permission bits (a 0444 file stays 0444).
 * @throws the underlying fs error (the caller maps it to a one-line message)
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  let st: Stats | undefined;
  try {
    st = statSync(file); // follows symlinks
  } catch {
    st = undefined;
  }
  if (st && !st.isFile() && !st.isDirectory()) {
    writeFileSync(file, data); // /dev/null, /dev/stdout, a FIFO: write through
    return;
  }
  const target = resolveLinks(file);
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data);
    if (st) chmodSync(tmp, st.mode & 0o7777);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Sets a path's access and modification times to now; a failure (gone, read-only) is ignored: callers use the mark only to order cache eviction. */
export function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    /* only eviction order depends on it */
  }
}

/** The path a chain of symlinks at `file` ends at (`file` itself when it is not a link). */
function resolveLinks(file: string): string {
  let p = resolve(file);
  for (let i = 0; i < 40; i++) {
    let l: Stats;
    try {
      l = lstatSync(p);
    } catch {
      return p; // does not exist (yet): write here
    }
    if (!l.isSymbolicLink()) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  return p; // a loop: let the write fail with ELOOP
}

/** sha256 hex digest of strings and bytes, in order (as of their concatenation, strings as UTF-8). */
export function sha256(...data: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const d of data) h.update(d);
  return h.digest('hex');
}

/**
 * A file's text: its bytes copied as Latin-1 when they are all ASCII (no UTF-8 decoding, much
 * cheaper for megabytes), decoded as UTF-8 otherwise (issue 16: the TypeScript compiler's source,
 * the caches' JSON).
 * @throws the fs error when the file cannot be read
 */
export function readAsciiFast(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * The user's cache directory for plumbline: `$PLUMBLINE_CACHE_DIR`, else `$XDG_CACHE_HOME/plumbline`,
 * else `~/.cache/plumbline`. Never inside a scanned repository.
 */
export function userCacheDir(): string {
  if (process.env.PLUMBLINE_CACHE_DIR) return process.env.PLUMBLINE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'plumbline');
}
