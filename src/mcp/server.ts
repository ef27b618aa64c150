import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LoadedRubric } from '../rubric/load.js';
import { findPrimitive } from '../rubric/describe.js';
import { errorText, PlumblineError } from '../util/errors.js';
import { VERSION } from '../version.js';
import type { EvaluateProgress } from '../evaluate.js';
import { AllowedRoots } from './roots.js';
import { TOOLS, type ToolContext, type ToolDef } from './tools.js';

/** Options of `createServer()`. */
export interface McpServerOptions {
  /** Directories the tools may read (real paths); everything else is refused. */
  roots: AllowedRoots;
  /** The rubric every tool and resource uses (a target's config may name its own for evaluate). */
  rubric: LoadedRubric;
  /** Use the user-level analysis cache (default true). */
  cache?: boolean;
  /** Extract worker threads per audit (`EvaluateOptions.jobs`, issue 16); default: the target config's, else automatic. */
  jobs?: number;
}

const INSTRUCTIONS =
  'plumbline audits AI-agent harness codebases against 12 harness primitives (tool registry, permissions, session persistence, workflow state, token budget, typed events, event log, verification, tool pool, compaction, permission audit, agent types). ' +
  'evaluate gives the static verdicts with file:line evidence; judge_worksheet and merge_judge_results let you review that evidence as the judge; explain_primitive and the plumbline://primitive/{id} resources explain each primitive; design plans a new harness from a brief. ' +
  'Everything is read-only. Paths must be inside the server\'s allowed roots.';

/** The MCP annotations of every plumbline tool: read-only, repeatable, no outside world. */
const ANNOTATIONS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/**
 * Builds the plumbline MCP server: the tools of `TOOLS` (see src/mcp/tools.ts) and the rubric
 * resources `plumbline://rubric` and `plumbline://primitive/{id}`. Not connected yet.
 */
export function createServer(opts: McpServerOptions): McpServer {
  const server = new McpServer({ name: 'plumbline', title: 'plumbline', version: VERSION }, { instructions: INSTRUCTIONS });
  for (const tool of TOOLS) registerTool(server, tool, opts);
  registerResources(server, opts.rubric);
  return server;
}

/**
 * Registers one tool. Its answer becomes `structuredContent` plus text blocks; progress goes to
 * the client as `notifications/progress` when it sent a progressToken; any error becomes an
 * `isError` result of one line per problem, so a bad call never takes the server down.
 */
function registerTool(server: McpServer, tool: ToolDef, opts: McpServerOptions): void {
  const config = { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: ANNOTATIONS };
  server.registerTool(tool.name, config, async (args, extra): Promise<CallToolResult> => {
    const token = extra._meta?.progressToken;
    // notifications are awaited before the result goes out, so a client never sees the result
    // before the last progress step
    const sent: Array<Promise<void>> = [];
    const progress = (p: EvaluateProgress) => {
      if (token !== undefined) sent.push(extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...p } }).catch(() => {}));
    };
    const ctx: ToolContext = { roots: opts.roots, rubric: opts.rubric, cache: opts.cache !== false, jobs: opts.jobs, progress };
    try {
      const out = await tool.run(args as never, ctx);
      await Promise.all(sent);
      return {
        structuredContent: out.structured as Record<string, unknown>,
        content: out.text.map((text) => ({ type: 'text' as const, text })),
        ...(out.meta ? { _meta: out.meta } : {}),
      };
    } catch (err) {
      if (process.env.PLUMBLINE_DEBUG && !(err instanceof PlumblineError) && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      return { isError: true, content: [{ type: 'text', text: errorText(err) }] };
    }
  });
}

/** `plumbline://rubric` (the validated rubric as JSON) and `plumbline://primitive/{id}` (one entry). */
function registerResources(server: McpServer, loaded: LoadedRubric): void {
  const { rubric } = loaded;
  const json = (uri: URL, data: unknown) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: `${JSON.stringify(data, null, 2)}\n` }] });
  server.registerResource(
    'rubric',
    'plumbline://rubric',
    { title: rubric.title, description: `The rubric ${rubric.id}: the ${rubric.primitives.length} primitives with criteria, signals, verdict and severity rules, fixes and acceptance tests.`, mimeType: 'application/json' },
    async (uri) => json(uri, rubric),
  );
  const ids = rubric.primitives.map((p) => p.id);
  const template = new ResourceTemplate('plumbline://primitive/{id}', {
    list: async () => ({
      resources: rubric.primitives.map((p) => ({ uri: `plumbline://primitive/${p.id}`, name: p.id, title: p.title, description: p.what.trim().split('\n')[0], mimeType: 'application/json' })),
    }),
    complete: { id: (value) => ids.filter((id) => id.startsWith(value)) },
  });
  server.registerResource(
    'primitive',
    template,
    { title: 'Harness primitive', description: 'One primitive of the rubric: what, why, criteria, verdict and severity rules, fix and acceptance test.', mimeType: 'application/json' },
    async (uri, vars) => {
      try {
        return json(uri, findPrimitive(rubric, String(vars.id)));
      } catch (err) {
        throw new Error(errorText(err));
      }
    },
  );
}

/**
 * Serves `createServer(opts)` over stdio until the client closes stdin.
 * @returns when the connection is closed
 */
export async function serveStdio(opts: McpServerOptions): Promise<void> {
  const server = createServer(opts);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
  });
  await server.connect(transport);
  // the stdio transport does not notice the end of stdin by itself
  process.stdin.once('end', () => void server.close());
  await closed;
}
