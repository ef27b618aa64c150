#!/usr/bin/env node
// Starts `plumbline mcp` as a child process and talks to it with the MCP SDK's own client over
// stdio: lists the tools, then calls evaluate on a fixture (with progress). Usage:
//   npm run build && node scripts/mcp-demo.mjs [fixture-name]
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = process.argv[2] ?? 'python-agent';
const args = [join(root, 'bin', 'plumbline.js'), 'mcp', '--root', join(root, 'fixtures')];
console.log(`$ node ${args.map((a) => a.replace(root, '.')).join(' ')}`);
const transport = new StdioClientTransport({ command: process.execPath, args, stderr: 'inherit' });
const client = new Client({ name: 'mcp-demo', version: '1.0.0' });
await client.connect(transport);
const info = client.getServerVersion();
console.log(`connected to ${info.name} ${info.version}`);

const { tools } = await client.listTools();
console.log(`\ntools/list: ${tools.length} tools`);
for (const t of tools) console.log(`  ${t.name.padEnd(20)} in: {${Object.keys(t.inputSchema.properties ?? {}).join(', ')}}  out: ${t.outputSchema ? 'structured' : 'text'}`);

console.log(`\ntools/call evaluate {"path": "${fixture}", "failOn": "high"}`);
const res = await client.callTool({ name: 'evaluate', arguments: { path: fixture, failOn: 'high' } }, undefined, {
  onprogress: (p) => console.log(`  progress ${p.progress}/${p.total}: ${p.message}`),
});
console.log(`isError: ${res.isError ?? false}`);
for (const c of res.content) console.log(c.text);
const r = res.structuredContent;
console.log(`\nstructuredContent: schemaVersion ${r.schemaVersion}, score ${r.score}, ${r.primitives.length} primitives, ${r.findings.length} findings`);
for (const p of r.primitives) console.log(`  ${p.verdict.padEnd(7)} ${p.id}`);
console.log(`_meta: ${JSON.stringify(res._meta)}`);

console.log(`\ntools/call evaluate {"path": "/etc"}`);
const bad = await client.callTool({ name: 'evaluate', arguments: { path: '/etc' } });
console.log(`isError: ${bad.isError}: ${bad.content[0].text}`);
await client.close();
