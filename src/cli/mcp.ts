/** Options of `plumbline mcp` as commander parses them. */
export interface McpCliOptions {
  /** Allowed roots (`--root`, repeatable); none means the working directory. */
  root?: string[];
  rubric?: string;
  cache?: boolean;
}

/**
 * `plumbline mcp`: serves the MCP tools and resources over stdio until the client disconnects.
 * The MCP SDK loads here, so `plumbline --help` never pays for it.
 * @returns exit code (0 when the client closed the connection)
 * @throws UsageError for a bad --root, RubricError for a bad --rubric (before serving)
 */
export async function runMcp(opts: McpCliOptions): Promise<number> {
  const { AllowedRoots } = await import('../mcp/roots.js');
  const { loadRubric } = await import('../rubric/load.js');
  const roots = new AllowedRoots(opts.root?.length ? opts.root : [process.cwd()]);
  const rubric = loadRubric(opts.rubric);
  const { serveStdio } = await import('../mcp/server.js');
  await serveStdio({ roots, rubric, cache: opts.cache !== false });
  return 0;
}
