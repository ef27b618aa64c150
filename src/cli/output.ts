import { PlumblineError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';

/**
 * Writes a command's output to `--output` (atomically: a reader never sees a partial file) or to
 * stdout. Says where it wrote on stderr unless `--quiet`.
 * @throws PlumblineError with the errno code when the file cannot be written
 */
export function writeOut(text: string, opts: Record<string, unknown>): void {
  if (opts.output) {
    try {
      writeFileAtomic(String(opts.output), text);
    } catch (err) {
      throw new PlumblineError(`cannot write ${String(opts.output)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!opts.quiet) process.stderr.write(`plumbline: wrote ${String(opts.output)}\n`);
  } else process.stdout.write(text);
}
