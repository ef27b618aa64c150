import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { accessSync, constants, lstatSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Language, Role } from '../rubric/schema.js';
import ignore from 'ignore';
import { TargetError } from '../util/errors.js';
import { isDefaultExcluded, languageOf, roleOf } from './classify.js';

/** One file selected for analysis. `path` is repository-relative with `/` separators. */
export interface ScannedFile {
  path: string;
  language: Language;
  role: Role;
  /** Size in bytes. */
  size: number;
  /** Modification time in ms (used only for the run memo; content hashes decide the facts cache). */
  mtimeMs: number;
}

/** Counts of files left out, by reason. */
export interface SkipCounts {
  excluded: number;
  tooLarge: number;
  binary: number;
  nonUtf8: number;
  symlink: number;
  unreadable: number;
  empty: number;
}

/** Result of the scan stage: the files to read plus what was skipped and how files were listed. */
export interface ScanResult {
  root: string;
  files: ScannedFile[];
  skipped: SkipCounts;
  lister: 'git' | 'globby';
}

export interface ScanOptions {
  /** Per-file size cap in bytes (default 1 MiB). Larger files are skipped and counted. */
  maxFileSize?: number;
  /** Extra exclude globs (globby syntax) applied on top of the defaults. */
  exclude?: string[];
}

/** Default per-file size cap: 1 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/**
 * Checks that `target` is a readable directory and returns its absolute path.
 * @throws TargetError (exit code 2) when it is empty, does not exist, is not a directory or is unreadable
 */
export function resolveTarget(target: string): string {
  if (!target.trim()) throw new TargetError('the target path is empty (use . for the current directory)');
  const root = resolve(target);
  let st: Stats;
  try {
    st = statSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TargetError(code === 'ENOENT' ? `target not found: ${target}` : `cannot read target ${target}: ${code}`);
  }
  if (!st.isDirectory()) throw new TargetError(`target is not a directory: ${target}`);
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    throw new TargetError(`cannot list target directory: ${target}`);
  }
  return root;
}

function gitList(root: string): string[] | undefined {
  try {
    const inside = execFileSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], {
      stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8',
    }).trim();
    if (inside !== 'true') return undefined;
    const out = execFileSync('git', ['-C', root, 'ls-files', '-co', '--exclude-standard', '-z'], {
      stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    });
    return out.split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * Lists files with globby (outside git). A directory that cannot be read (EACCES, EPERM) is
 * skipped and recorded in `unreadableDirs`, like an unreadable file, instead of aborting the scan.
 */
async function globbyList(root: string, exclude: string[], unreadableDirs: Set<string>): Promise<string[]> {
  const { globby } = await import('globby');
  const denied = (err: NodeJS.ErrnoException | null) => err?.code === 'EACCES' || err?.code === 'EPERM';
  type ReaddirCallback = (err: NodeJS.ErrnoException | null, entries: unknown[]) => void;
  const tolerantFs = {
    ...fs,
    readdir: (path: string, options: unknown, cb: ReaddirCallback) =>
      fs.readdir(path, options as { withFileTypes: true }, (err, entries) => {
        if (denied(err)) {
          unreadableDirs.add(path);
          cb(null, []);
        } else cb(err, entries as unknown[]);
      }),
    readdirSync: (path: string, options: unknown) => {
      try {
        return fs.readdirSync(path, options as { withFileTypes: true });
      } catch (err) {
        if (!denied(err as NodeJS.ErrnoException)) throw err;
        unreadableDirs.add(path);
        return [];
      }
    },
  };
  // onlyFiles: false so that symlinks (to files, directories or nowhere) are listed and counted
  const entries = await globby(['**/*'], {
    cwd: root, dot: true, gitignore: true, followSymbolicLinks: false, onlyFiles: false, markDirectories: true,
    ignore: ['**/node_modules/**', '**/.git/**', ...exclude],
    fs: tolerantFs as unknown as typeof fs,
  });
  return entries.filter((e) => !e.endsWith('/'));
}

/**
 * Lists the files of `root` to analyse: `git ls-files -co --exclude-standard` in a git work tree,
 * globby (honouring .gitignore) otherwise. Applies default excludes, user excludes, the size cap,
 * and never follows symlinks (they are skipped and counted). Unreadable files and directories
 * are skipped and counted as `unreadable`. Binary/non-UTF-8 checks happen when
 * the content is read (src/extract/read.ts), where the bytes are at hand.
 * Output order is sorted by path, so every later stage is deterministic.
 */
export async function scan(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const maxSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const skipped: SkipCounts = { excluded: 0, tooLarge: 0, binary: 0, nonUtf8: 0, symlink: 0, unreadable: 0, empty: 0 };
  const userExclude = opts.exclude ?? [];
  let paths = gitList(root);
  const lister: ScanResult['lister'] = paths ? 'git' : 'globby';
  const unreadableDirs = new Set<string>();
  if (!paths) paths = await globbyList(root, userExclude, unreadableDirs);
  skipped.unreadable += unreadableDirs.size;
  let userRe: RegExp[] = [];
  if (userExclude.length) {
    userRe = userExclude.map(globToRegExp);
  }
  const ignored = plumblineIgnore(root);
  const files: ScannedFile[] = [];
  for (const p of [...new Set(paths)].sort()) {
    const rel = p.replace(/\\/g, '/');
    if (isDefaultExcluded(rel) || userRe.some((re) => re.test(rel)) || ignored?.(rel)) {
      skipped.excluded++;
      continue;
    }
    let st: Stats;
    try {
      st = lstatSync(join(root, rel));
    } catch {
      skipped.unreadable++;
      continue;
    }
    if (st.isSymbolicLink()) {
      skipped.symlink++;
      continue;
    }
    if (!st.isFile()) continue;
    if (st.size > maxSize) {
      skipped.tooLarge++;
      continue;
    }
    files.push({ path: rel, language: languageOf(rel), role: roleOf(rel), size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
  }
  return { root, files, skipped, lister };
}

/** Minimal glob -> RegExp for user excludes on git-listed paths (`**`, `*`, `?`). */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(/|$)`);
}

/**
 * Reads a file as UTF-8 text, or says why it cannot be analysed.
 * @returns the text, or 'binary' (NUL byte in the first 8 KiB), 'non-utf8', 'empty', 'unreadable'
 */
export function readText(root: string, path: string): string | 'binary' | 'non-utf8' | 'empty' | 'unreadable' {
  let buf: Buffer;
  try {
    buf = readFileSync(join(root, path));
  } catch {
    return 'unreadable';
  }
  if (buf.length === 0) return 'empty';
  if (buf.subarray(0, 8192).includes(0)) return 'binary';
  try {
    return UTF8.decode(buf);
  } catch {
    return 'non-utf8';
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `.plumblineignore` at the target root, in gitignore syntax (the `ignore` package, which globby
 * also uses). @returns a predicate on repository-relative paths, or undefined without the file
 */
function plumblineIgnore(root: string): ((rel: string) => boolean) | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, '.plumblineignore'), 'utf8');
  } catch {
    return undefined;
  }
  const ig = ignore().add(text);
  return (rel) => ig.ignores(rel);
}
