#!/usr/bin/env node
// Benchmark (npm run bench): generates a synthetic TypeScript harness repository shaped like real
// agent repositories (scripts/bench-real.mjs measures those): about 2,000 source files (~12%
// harness modules; agent vocabulary such as tool, command, error, log spread through most of the
// rest, as in real repositories where 86-99% of files pass the rubric prefilter) plus colocated
// test files that make about 40% of the TypeScript bytes (about one in ten has a guardrail test
// title), then prints in one run, each in a fresh process:
//   1. a bare TypeScript-compiler-API syntax parse of every file (ts bundled by ts-morph),
//   2. `plumbline evaluate --no-cache` (cold),
//   3. an unchanged re-run with the content-hash cache (warm; the CLI end to end).
// Figures: wall time and peak RSS (process.resourceUsage().maxRSS). Targets (issues 2 and 16):
// evaluate <= 1.0x the bare parse (of every file, tests included), <= 400 MB; unchanged re-run <= 0.3 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = process.env.BENCH_DIR ?? join(tmpdir(), 'plumbline-bench-repo');
const FILES = Number(process.env.BENCH_FILES ?? 2000);

// ---------- deterministic generator ----------
let seed = 42;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const pick = (a) => a[rnd(a.length)];
const NOUNS = ['invoice', 'customer', 'product', 'cart', 'address', 'price', 'currency', 'report', 'chart', 'layout', 'theme', 'order', 'shipment', 'coupon', 'review', 'profile', 'avatar', 'table', 'column', 'filter', 'page', 'menu', 'button', 'dialog', 'form', 'field', 'date', 'range', 'metric', 'widget'];
const VERBS = ['format', 'parse', 'render', 'compute', 'sort', 'group', 'map', 'merge', 'normalize', 'build', 'resolve', 'convert', 'select', 'update', 'create'];
const cap = (s) => s[0].toUpperCase() + s.slice(1);

const VOCAB = [
  (n) => `  if (!input.items.length) logger.error('empty ${n}', { tool: opts.locale });`,
  (n) => `  const command = buildCommand('${n}', opts.precision); processCommand(command);`,
  (n) => `  const toolName = \`${n}-\${opts.locale}\`; recordEvent({ type: 'render', toolName });`,
  (n) => `  try { validate${cap(n)}(input); } catch (error) { handleError(error); }`,
];

function appFile(i) {
  const lines = [`// Module ${i}: generated application code for the plumbline benchmark.`, `import { ${cap(pick(NOUNS))}Props } from './types-${rnd(50)}';`, ''];
  const vocab = rnd(10) < 9; // nine in ten files carry agent vocabulary somewhere
  while (lines.length < 290) {
    const n = pick(NOUNS), v = pick(VERBS), N = cap(n);
    lines.push(`/** ${cap(v)}s the ${n} for display; returns a new object. */`);
    lines.push(`export function ${v}${N}${rnd(1000)}(input: ${N}Props, opts: { locale: string; precision: number }): ${N}Props {`);
    lines.push(`  const items = input.items.filter((x) => x.value > ${rnd(100)}).map((x) => ({ ...x, label: x.label.trim() }));`);
    lines.push(`  const total = items.reduce((acc, x) => acc + x.value * ${rnd(9) + 1}, 0);`);
    if (vocab && rnd(4) === 0) lines.push(pick(VOCAB)(n));
    lines.push(`  if (total > ${rnd(10000)}) {`);
    lines.push(`    return { ...input, items, total: Number(total.toFixed(opts.precision)), title: \`${N} \${opts.locale}\` };`);
    lines.push('  }');
    lines.push(`  return { ...input, items: items.slice(0, ${rnd(20) + 1}), total };`);
    lines.push('}');
    lines.push('');
    lines.push(`export class ${N}View${rnd(1000)} {`);
    lines.push(`  constructor(private readonly props: ${N}Props) {}`);
    lines.push(`  width(): number { return this.props.items.length * ${rnd(40) + 8}; }`);
    lines.push(`  height(): number { return ${rnd(600) + 100}; }`);
    lines.push('}');
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

const HARNESS = [
  (i) => `import { z } from 'zod';\nexport interface ToolDefinition { name: string; description: string; inputSchema: z.ZodTypeAny; risk: 'read-only' | 'mutating' }\nexport class ToolRegistry${i} {\n  private tools = new Map<string, ToolDefinition>();\n  registerTool(t: ToolDefinition) { this.tools.set(t.name, t); }\n  listTools() { return [...this.tools.values()]; }\n}\n`,
  (i) => `export type PermissionDecision = 'allow' | 'ask' | 'deny';\nexport function checkPermission${i}(tool: { risk: string }, mode: 'default' | 'yolo'): PermissionDecision {\n  if (tool.risk === 'read-only' || mode === 'yolo') return 'allow';\n  return 'ask';\n}\n`,
  (i) => `import { appendFileSync } from 'node:fs';\nexport function appendMessage${i}(id: string, m: unknown) { appendFileSync(\`sessions/\${id}.jsonl\`, JSON.stringify(m) + '\\n'); }\nexport function resumeSession${i}(id: string) { return id; }\n`,
  (i) => `export type AgentEvent${i} = { type: 'text_delta'; text: string } | { type: 'tool_call_finished'; name: string } | { type: 'error'; reason: string };\nexport async function* stream${i}() { yield { type: 'text_delta', text: '' } as AgentEvent${i}; }\n`,
  (i) => `export class TokenBudget${i} { inputTokens = 0; outputTokens = 0; constructor(readonly maxTotalTokens: number) {}\n  checkBeforeCall(n: number) { if (this.inputTokens + n > this.maxTotalTokens) throw new Error('budget'); } }\n`,
];

const TITLES = ['formats the %s', 'sorts %s rows', 'keeps the %s total', 'renders an empty %s', 'groups %s by date'];
const GUARD_TITLES = ['denies a destructive %s command', 'asks for approval before %s edits', 'stops when the %s budget is exceeded'];

/** A test file (vitest style): describe/it blocks with expect chains; about 0.65x its module's size. */
function testFile(i) {
  const out = [`import { describe, expect, it } from 'vitest';`, `import * as m from './f${i}.js';`, '', `describe('module ${i}', () => {`];
  const guard = rnd(10) === 0;
  while (out.length < 180) {
    const n = pick(NOUNS);
    const title = (guard && rnd(6) === 0 ? pick(GUARD_TITLES) : pick(TITLES)).replace('%s', n);
    out.push(`  it('${title}', () => {`, `    const input = { items: [{ value: ${rnd(100)}, label: ' ${n} ' }], total: 0 };`, `    const out = (m as any).${pick(VERBS)}${cap(n)}?.(input, { locale: 'en', precision: 2 }) ?? input;`, `    expect(out.items.length).toBeGreaterThanOrEqual(0);`, `    expect(JSON.stringify(out)).toContain('${n}');`, '  });', '');
  }
  out.push('});');
  return out.join('\n') + '\n';
}

function harnessFile(i) {
  const body = HARNESS[i % HARNESS.length](i);
  const filler = appFile(i).split('\n').slice(1, 280).join('\n');
  return `${body}\n${filler}\n`;
}

rmSync(repo, { recursive: true, force: true });
mkdirSync(join(repo, 'src'), { recursive: true });
writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'bench-harness', bin: { bench: 'dist/index.js' }, dependencies: { '@anthropic-ai/sdk': '1' } }));
let totalLines = 0;
const imports = [];
for (let i = 0; i < FILES; i++) {
  const dir = join(repo, 'src', `m${Math.floor(i / 50)}`);
  mkdirSync(dir, { recursive: true });
  const text = i % 8 === 0 ? harnessFile(i) : appFile(i);
  totalLines += text.split('\n').length - 1;
  writeFileSync(join(dir, `f${i}.ts`), text);
  const test = testFile(i);
  totalLines += test.split('\n').length - 1;
  writeFileSync(join(dir, `f${i}.test.ts`), test);
  imports.push(`import './m${Math.floor(i / 50)}/f${i}.js';`);
}
writeFileSync(join(repo, 'src', 'index.ts'), `import Anthropic from '@anthropic-ai/sdk';\n${imports.join('\n')}\nconst c = new Anthropic();\nawait c.messages.create({ model: 'm', max_tokens: 1, messages: [], tools: [] });\nconst tool_use = 1;\n`);
execFileSync('git', ['init', '-q', repo]);
console.log(`synthetic repository: ${2 * FILES + 2} files (${FILES} test files), ${totalLines.toLocaleString('en-US')} lines in ${repo}`);

// ---------- measurements, each in a fresh process ----------
function measure(label, code, env = {}) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const report = (t0) => `console.log(JSON.stringify({ ms: Math.round(performance.now() - ${t0}), rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));`;

const bare = measure('bare parse', `
  const t0 = performance.now();
  const { ts } = await import('ts-morph');
  const { execFileSync } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const files = execFileSync('git', ['-C', ${JSON.stringify(repo)}, 'ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' }).split('\\n').filter((f) => f.endsWith('.ts'));
  let n = 0;
  for (const f of files) { const sf = ts.createSourceFile(f, readFileSync(${JSON.stringify(repo)} + '/' + f, 'utf8'), ts.ScriptTarget.Latest, false); n += sf.statements.length; }
  ${report('t0')}`);
const cache = mkdtempSync(join(tmpdir(), 'plumbline-bench-cache-'));
const cold = measure('evaluate', `
  const t0 = performance.now();
  const { evaluate } = await import('./dist/index.js');
  const r = await evaluate({ target: ${JSON.stringify(repo)}, cache: false });
  if (r.primitives.length !== 12) throw new Error('bad report');
  ${report('t0')}`);
// warm the cache, then time the unchanged re-run through the real CLI (process start included)
spawnSync(process.execPath, [join(root, 'bin', 'plumbline.js'), 'evaluate', repo, '-f', 'json', '-q'], { env: { ...process.env, PLUMBLINE_CACHE_DIR: cache } });
const t1 = performance.now();
const again = spawnSync(process.execPath, [join(root, 'bin', 'plumbline.js'), 'evaluate', repo, '-f', 'json', '-q'], { env: { ...process.env, PLUMBLINE_CACHE_DIR: cache }, encoding: 'utf8' });
const rerunMs = Math.round(performance.now() - t1);
if (again.status !== 0) throw new Error(again.stderr);

const ratio = cold.ms / bare.ms;
console.log('');
console.log('                              wall ms   peak RSS MB');
console.log(`bare TS syntax parse         ${String(bare.ms).padStart(8)}   ${String(bare.rssMB).padStart(11)}`);
console.log(`plumbline evaluate (cold)    ${String(cold.ms).padStart(8)}   ${String(cold.rssMB).padStart(11)}`);
console.log(`unchanged re-run (CLI)       ${String(rerunMs).padStart(8)}`);
console.log('');
console.log(`evaluate / bare parse = ${ratio.toFixed(2)}x (target <= 1.0x)  ${ratio <= 1.0 ? "ok" : "MISSED"}`);
console.log(`evaluate peak memory  = ${cold.rssMB} MB (target <= 400 MB)  ${cold.rssMB <= 400 ? 'ok' : 'MISSED'}`);
console.log(`unchanged re-run      = ${(rerunMs / 1000).toFixed(2)} s (target <= 0.3 s)  ${rerunMs <= 300 ? 'ok' : 'MISSED'}`);
