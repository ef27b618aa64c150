#!/usr/bin/env node
// The parse floor for scripts/bench-real.mjs: `node scripts/bench-floor.mjs DIR` lists DIR with
// plumbline's own scan (the same files plumbline reads), reads every code file and parses it
// whole: TypeScript/JavaScript with the compiler API bundled by ts-morph (createSourceFile,
// syntax only), Python, Go and Rust with the tree-sitter WebAssembly grammars (Node's default
// WebAssembly tiers). Nothing is walked or kept. Prints one JSON line with the counts.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { scan, readText, isText } = await import(join(root, 'dist', 'scan', 'scan.js'));
const target = process.argv[2];
const { root: abs, files } = await scan(target);
const require = createRequire(join(root, 'package.json'));
let ts;
let sitter;
const parsers = new Map();
const out = { files: files.length, ts: 0, tsBytes: 0, sitter: 0, sitterBytes: 0 };
for (const f of files) {
  const js = f.language === 'typescript' || f.language === 'javascript';
  const ss = f.language === 'python' || f.language === 'go' || f.language === 'rust';
  if (!js && !ss) continue;
  const text = readText(abs, f.path);
  if (!isText(text)) continue;
  if (js) {
    ts ??= createRequire(require.resolve('ts-morph'))('@ts-morph/common').ts;
    const kind = /\.tsx$/.test(f.path) ? ts.ScriptKind.TSX : /\.jsx$/.test(f.path) ? ts.ScriptKind.JSX : /\.[cm]?js$/.test(f.path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    ts.createSourceFile(f.path, text, ts.ScriptTarget.Latest, false, kind);
    out.ts++;
    out.tsBytes += f.size;
  } else {
    if (!sitter) {
      sitter = require('@vscode/tree-sitter-wasm');
      const dir = dirname(require.resolve('@vscode/tree-sitter-wasm'));
      await sitter.Parser.init({ locateFile: (name) => join(dir, name) });
    }
    let p = parsers.get(f.language);
    if (!p) {
      const dir = dirname(require.resolve('@vscode/tree-sitter-wasm'));
      p = new sitter.Parser();
      p.setLanguage(await sitter.Language.load(join(dir, `tree-sitter-${f.language}.wasm`)));
      parsers.set(f.language, p);
    }
    p.parse(text)?.delete();
    out.sitter++;
    out.sitterBytes += f.size;
  }
}
console.log(JSON.stringify(out));
