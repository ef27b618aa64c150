import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { homedir } from 'node:os';

/**
 * Writes `data` to `file` atomically: a temp file in the same directory, then rename, so a reader
 * never sees a partial file and a failure leaves the old file untouched.
 * @throws the underlying fs error (the caller maps it to a one-line message)
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** sha256 hex digest of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
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
