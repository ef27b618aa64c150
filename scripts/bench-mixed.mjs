#!/usr/bin/env node
// Benchmark for the Python/Rust/Go front ends (issue 6), `npm run bench:mixed`.
// Generates a mixed repository of the main benchmark's size (about 2,000 files and 600,000
// lines: TypeScript, Python and Rust, about 12% harness modules) and prints, in one run:
//   A. plumbline evaluate with the Python/Rust/Go front ends off (those files are only read),
//   B. plumbline evaluate with the tree-sitter front ends on,
// each cold (--no-cache) in a fresh process, best of 3. Target: B / A <= 1.5.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = process.env.BENCH_DIR ?? join(tmpdir(), 'plumbline-bench-mixed');
const FILES = Number(process.env.BENCH_FILES ?? 2000);
let seed = 7;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const pick = (a) => a[rnd(a.length)];
const NOUNS = ['invoice', 'customer', 'product', 'cart', 'address', 'price', 'report', 'chart', 'order', 'shipment', 'coupon', 'review', 'profile', 'table', 'metric'];
const VERBS = ['format', 'parse', 'render', 'compute', 'sort', 'group', 'merge', 'normalize', 'build', 'resolve'];
const cap = (s) => s[0].toUpperCase() + s.slice(1);

function tsFile(i) {
  const out = [`// Module ${i}: generated TypeScript application code.`, `import { Props } from './types';`];
  while (out.length < 300) {
    const n = pick(NOUNS), v = pick(VERBS);
    out.push(`export function ${v}${cap(n)}${rnd(1000)}(input: Props, precision: number): Props {`, `  const items = input.items.filter((x) => x.value > ${rnd(100)}).map((x) => ({ ...x, label: x.label.trim() }));`, `  const total = items.reduce((acc, x) => acc + x.value * ${rnd(9) + 1}, 0);`, `  return { ...input, items, total: Number(total.toFixed(precision)) };`, '}', '');
  }
  return out.join('\n') + '\n';
}
function pyFile(i) {
  const out = [`"""Module ${i}: generated Python application code."""`, 'from dataclasses import dataclass', 'from .types import Props', ''];
  while (out.length < 300) {
    const n = pick(NOUNS), v = pick(VERBS);
    out.push(`def ${v}_${n}_${rnd(1000)}(data: Props, precision: int = 2) -> Props:`, `    """${cap(v)} the ${n} for display."""`, `    items = [x for x in data.items if x.value > ${rnd(100)}]`, `    total = sum(x.value * ${rnd(9) + 1} for x in items)  # weighted`, `    return Props(items=items, total=round(total, precision), title=f"${n} {len(items)}")`, '', '', `class ${cap(n)}View${rnd(1000)}:`, '    def __init__(self, props: Props) -> None:', '        self.props = props', '', '    def width(self) -> int:', `        return len(self.props.items) * ${rnd(40) + 8}`, '', '');
  }
  return out.join('\n') + '\n';
}
function rsFile(i) {
  const out = [`//! Module ${i}: generated Rust application code.`, 'use crate::types::Props;', ''];
  while (out.length < 300) {
    const n = pick(NOUNS), v = pick(VERBS);
    out.push(`pub fn ${v}_${n}_${rnd(1000)}(input: &Props, precision: usize) -> Props {`, `    let items: Vec<_> = input.items.iter().filter(|x| x.value > ${rnd(100)}).cloned().collect();`, `    let total: f64 = items.iter().map(|x| x.value * ${rnd(9) + 1}.0).sum();`, '    Props { items, total: (total * 10f64.powi(precision as i32)).round(), title: format!("{}", input.title) }', '}', '', `pub struct ${cap(n)}View${rnd(1000)} {`, '    pub props: Props,', '}', '');
  }
  return out.join('\n') + '\n';
}
const PY_HARNESS = (i) => `from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass ToolDefinition${i}:\n    name: str\n    description: str\n    input_schema: dict\n\n\nclass ToolRegistry${i}:\n    def register_tool(self, t):\n        self.tools[t.name] = t\n\n\ndef check_permission_${i}(tool, mode):\n    return "allow" if tool.risk == "read-only" or mode == "yolo" else "ask"\n\n`;
const RS_HARNESS = (i) => `pub enum PermissionDecision${i} { Allow, Ask, Deny }\n\npub struct ToolSpec${i} { pub name: String, pub description: String, pub input_schema: serde_json::Value }\n\npub fn check_permission_${i}(risk: &str) -> PermissionDecision${i} { if risk == "read-only" { PermissionDecision${i}::Allow } else { PermissionDecision${i}::Ask } }\n\n`;

rmSync(repo, { recursive: true, force: true });
mkdirSync(join(repo, 'src'), { recursive: true });
mkdirSync(join(repo, 'py', 'app'), { recursive: true });
mkdirSync(join(repo, 'rs', 'src'), { recursive: true });
writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'bench-mixed', bin: { bench: 'src/index.ts' }, dependencies: { '@anthropic-ai/sdk': '1' } }));
writeFileSync(join(repo, 'rs', 'Cargo.toml'), '[package]\nname = "bench"\nversion = "0.1.0"\n');
let lines = 0;
const counts = { ts: 0, py: 0, rs: 0 };
const tsImports = [];
const pyImports = [];
const rsMods = [];
for (let i = 0; i < FILES; i++) {
  const kind = i % 3 === 0 ? 'ts' : i % 3 === 1 ? 'py' : 'rs';
  counts[kind]++;
  const harness = i % 8 === 1; // one in eight Python or Rust files, as in the main benchmark
  let text;
  if (kind === 'ts') {
    text = tsFile(i);
    writeFileSync(join(repo, 'src', `f${i}.ts`), text);
    tsImports.push(`import './f${i}.js';`);
  } else if (kind === 'py') {
    text = (harness ? PY_HARNESS(i) : '') + pyFile(i);
    writeFileSync(join(repo, 'py', 'app', `f${i}.py`), text);
    pyImports.push(`from app import f${i}`);
  } else {
    text = (harness ? RS_HARNESS(i) : '') + rsFile(i);
    writeFileSync(join(repo, 'rs', 'src', `f${i}.rs`), text);
    rsMods.push(`mod f${i};`);
  }
  lines += text.split('\n').length - 1;
}
writeFileSync(join(repo, 'src', 'index.ts'), `import Anthropic from '@anthropic-ai/sdk';\n${tsImports.join('\n')}\nawait new Anthropic().messages.create({ model: 'm', max_tokens: 1, messages: [], tools: [] });\n`);
writeFileSync(join(repo, 'py', 'app', '__main__.py'), `${pyImports.join('\n')}\n\nif __name__ == "__main__":\n    pass\n`);
writeFileSync(join(repo, 'rs', 'src', 'main.rs'), `${rsMods.join('\n')}\nmod types;\nfn main() {}\n`);
execFileSync('git', ['init', '-q', repo]);
console.log(`mixed repository: ${FILES} files (${counts.ts} TypeScript, ${counts.py} Python, ${counts.rs} Rust), ${lines.toLocaleString('en-US')} lines in ${repo}`);

function timeEvaluate(env) {
  const code = `const t0 = performance.now(); const { evaluate } = await import('./dist/index.js'); await evaluate({ target: ${JSON.stringify(repo)}, cache: false }); console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const best = (env) => [timeEvaluate(env), timeEvaluate(env), timeEvaluate(env)].sort((a, b) => a.ms - b.ms)[0];
const a = best({ PLUMBLINE_SKIP_FRONTENDS: 'python,rust,go' });
const b = best({});
const ratio = b.ms / a.ms;
console.log('');
console.log('                                                wall ms   peak RSS MB');
console.log(`A. read Python/Rust + TypeScript front end      ${String(a.ms).padStart(7)}   ${String(a.rssMB).padStart(11)}`);
console.log(`B. + tree-sitter Python/Rust front ends         ${String(b.ms).padStart(7)}   ${String(b.rssMB).padStart(11)}`);
console.log('');
console.log(`B / A = ${ratio.toFixed(2)}x (target <= 1.5x)  ${ratio <= 1.5 ? 'ok' : 'MISSED'}`);
