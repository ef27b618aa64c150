import { intOption } from './options.js';
import { MAX_JOBS } from '../evaluate.js';

/** Options of `plumbline mcp` as commander parses them. */
export interface McpCliOptions {
  /** Allowed roots (`--root`, repeatable); none means the working directory. */
  root?: string[];
  rubric?: string;
  cache?: boolean;
  /** `--jobs`: extract worker threads per audit (issue 16). */
  jobs?: string;
}

/**
 * `plumbline mcp`: serves the MCP tools and resources over stdio until the client disconnects.
 * The MCP SDK loads here, so `plumbline --help` never pays for it.
 * @returns exit code (0 when the client closed the connection)
 * @throws UsageError for a bad --root or --jobs, RubricError for a bad --rubric (before serving)
 */
export async function runMcp(opts: McpCliOptions): Promise<number> {
  const { AllowedRoots } = await import('../mcp/roots.js');
  const { loadRubric } = await import('../rubric/load.js');
  const jobs = intOption('--jobs', opts.jobs, 1, MAX_JOBS);
  const roots = new AllowedRoots(opts.root?.length ? opts.root : [process.cwd()]);
  const rubric = loadRubric(opts.rubric);
  const { serveStdio } = await import('../mcp/server.js');
  await serveStdio({ roots, rubric, cache: opts.cache !== false, jobs });
  return 0;
}
