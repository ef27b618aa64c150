import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TargetError, UsageError } from '../util/errors.js';

/**
 * The directories an MCP client may point plumbline at (`plumbline mcp --root DIR`, default the
 * server's working directory). Every path a tool receives is resolved against the first root,
 * symlinks included, and refused unless it lands inside one of them.
 */
export class AllowedRoots {
  /** Real paths of the roots, in the order given. */
  readonly dirs: string[];

  /**
   * @param dirs root directories (relative ones resolve against the working directory)
   * @throws UsageError when a root does not exist or is not a directory
   */
  constructor(dirs: string[]) {
    if (!dirs.length) throw new UsageError('give at least one --root directory');
    this.dirs = dirs.map((d) => {
      let real: string;
      try {
        real = realpathSync(resolve(d));
      } catch (err) {
        throw new UsageError(`--root ${d}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : `cannot read it (${(err as NodeJS.ErrnoException).code})`}`);
      }
      if (!statSync(real).isDirectory()) throw new UsageError(`--root ${d}: not a directory`);
      return real;
    });
  }

  /**
   * Resolves a path a client sent: relative to the first root, then through symlinks.
   * @param what what the path is, for the error ("path", "the config's rubric")
   * @returns the real absolute path, inside an allowed root
   * @throws TargetError when it is outside every root (before or after following symlinks) or does not exist
   */
  resolve(path: string, what = 'path'): string {
    const abs = resolve(this.dirs[0]!, path);
    const refuse = () => new TargetError(`${what} ${path} is outside the allowed root${this.dirs.length > 1 ? 's' : ''} ${this.dirs.join(', ')}; start the server with --root <dir> to allow it`);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (err) {
      // a path outside is refused as such, whether or not it exists
      if (!this.contains(abs)) throw refuse();
      const code = (err as NodeJS.ErrnoException).code;
      throw new TargetError(code === 'ENOENT' ? `${what} not found: ${path}` : `cannot read ${what} ${path}: ${code}`);
    }
    if (!this.contains(real)) throw refuse();
    return real;
  }

  private contains(abs: string): boolean {
    return this.dirs.some((d) => {
      const rel = relative(d, abs);
      return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
    });
  }
}
