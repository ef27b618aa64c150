import { evaluate, MAX_JOBS } from '../evaluate.js';
import { intOption } from './options.js';
import { renderMapText } from '../model/map.js';
import { writeOut } from './output.js';
import { UsageError } from '../util/errors.js';

/**
 * `plumbline map [path]`: prints the harness model (issue 11, item 5): entry points -> agent
 * loop -> model calls; tool definitions -> tool execution; and the guards, persistence, budget
 * and compaction evidence attached to them, each with file:line. Text or JSON.
 * @returns exit code (0; errors are thrown as PlumblineError and mapped by main)
 */
export async function runMap(path: string, opts: { format?: string; output?: string; cache?: boolean; exclude?: string[]; quiet?: boolean; jobs?: string }): Promise<number> {
  if (!path.trim()) throw new UsageError('map needs the path of the repository, got an empty string (use . for the current directory)');
  const jobs = intOption('--jobs', opts.jobs, 1, MAX_JOBS);
  const report = await evaluate({ target: path, cache: opts.cache !== false, exclude: opts.exclude, jobs });
  const body = opts.format === 'json'
    ? `${JSON.stringify({ target: report.target.name, shape: report.context.shape, ...report.harness }, null, 2)}\n`
    : `Harness map of ${report.target.name}: ${report.context.summary}\n\n${renderMapText(report.harness)}`;
  writeOut(body, opts);
  return 0;
}
