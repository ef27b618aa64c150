import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that speaks the Anthropic Messages API (`POST /v1/messages`), for
 * testing the judge with the real `@anthropic-ai/sdk` and no network. Each request is recorded
 * (raw body text, parsed JSON, arrival time); a handler decides the reply.
 */
export interface RecordedRequest {
  n: number;
  at: number;
  raw: string;
  body: { model: string; max_tokens: number; system: Array<{ text: string }>; messages: Array<{ content: string }>; tools: unknown[]; temperature?: number };
  headers: IncomingMessage['headers'];
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Delay before answering (a slow upstream). */
  delayMs?: number;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

/** Evidence ids shown in a judge request (from its `<evidence id="...">` elements). */
export function evidenceIds(req: RecordedRequest): string[] {
  return [...req.body.messages[0]!.content.matchAll(/<evidence id="([^"]+)"/g)].map((m) => m[1]!);
}

/** The primitive a judge request is about. */
export function primitiveOf(req: RecordedRequest): string {
  return /<primitive id="([^"]+)"/.exec(req.body.messages[0]!.content)![1]!;
}

/** The static verdict stated in a judge request. */
export function staticVerdictOf(req: RecordedRequest): string {
  return /Static verdict: (\w+)/.exec(req.body.messages[0]!.content)![1]!;
}

/** The tool a request asks the model to use: `tool_choice.name`, else the first of `tools`. */
export function requestedTool(req: RecordedRequest): string | undefined {
  const b = req.body as RecordedRequest['body'] & { tool_choice?: { name?: string } };
  return b.tool_choice?.name ?? (b.tools?.[0] as { name?: string } | undefined)?.name;
}

/**
 * A Messages API response whose only content block (after a thinking block) is a tool call.
 * Without `name`, the server fills in the tool the request asked for, as the real API does.
 */
export function toolUseReply(input: unknown, usage = { input_tokens: 1200, output_tokens: 150, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, name?: string): Reply {
  return {
    json: {
      id: `msg_${Math.random().toString(36).slice(2)}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [
        { type: 'thinking', thinking: 'Reading the evidence.', signature: 'sig' },
        { type: 'tool_use', id: 'toolu_01', ...(name ? { name } : {}), input },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage,
    },
  };
}

/** An agreeing answer that cites the first evidence item of the request. */
export function agreeing(req: RecordedRequest): Reply {
  return toolUseReply({ verdict: staticVerdictOf(req), confidence: 'high', rationale: 'The cited code matches the static verdict.', evidenceIds: evidenceIds(req).slice(0, 1), findingText: '' });
}

export function errorReply(status: number, headers: Record<string, string> = {}): Reply {
  const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error';
  return { status, headers, json: { type: 'error', error: { type, message: `simulated ${status}` } } };
}

/** Starts the server on 127.0.0.1 with a random port. */
export async function startMessagesServer(handler: Handler): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.url } }));
        return;
      }
      const rec: RecordedRequest = { n: requests.length, at: Date.now(), raw, body: JSON.parse(raw), headers: req.headers };
      requests.push(rec);
      const reply = await handler(rec);
      // a tool call without a name answers with the tool the request asked for
      const content = (reply.json as { content?: Array<{ type: string; name?: string }> } | undefined)?.content;
      for (const block of content ?? []) if (block.type === 'tool_use' && !block.name) block.name = requestedTool(rec);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'request-id': `req_${rec.n}`, ...reply.headers });
      res.end(JSON.stringify(reply.json ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
