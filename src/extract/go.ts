import { FactSink, type FileFacts } from './types.js';
import { addCalls, addKeys, addStrings, addToolDefs, blankStrings } from './lines.js';

/**
 * Go front end (line level). Skips comments; emits import, decl (func, type, const/var), member
 * (methods, struct and interface fields), call, string (incl. raw strings on one line), key,
 * tooldef and test (`func TestXxx`) facts. `package main` files are entry points.
 */
export function extractGo(text: string): FileFacts {
  const sink = new FactSink();
  const imports: string[] = [];
  const raw = text.split(/\r?\n/);
  const code: string[] = new Array(raw.length).fill('');
  let inBlock = false;
  let inImports = false;
  let body: { depth: number } | undefined;
  let depth = 0;
  let entry = false;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    const l = i + 1;
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      line = line.slice(end + 2);
      inBlock = false;
    }
    const bs = line.indexOf('/*');
    if (bs >= 0 && !line.slice(0, bs).includes('"')) {
      const be = line.indexOf('*/', bs);
      if (be < 0) {
        inBlock = true;
        line = line.slice(0, bs);
      } else line = line.slice(0, bs) + line.slice(be + 2);
    }
    const cm = line.indexOf('//');
    if (cm >= 0 && !/["`]/.test(line.slice(0, cm))) line = line.slice(0, cm);
    if (!line.trim()) continue;
    code[i] = line;
    let m: RegExpExecArray | null;
    if (/^package\s+main\b/.test(line)) entry = true;
    if (inImports) {
      if (/^\s*\)/.test(line)) inImports = false;
      else if ((m = /"([^"]+)"/.exec(line))) {
        imports.push(m[1]!);
        sink.add('import', m[1]!, l);
      }
      continue;
    }
    if (/^import\s*\(/.test(line)) {
      inImports = true;
      continue;
    }
    if ((m = /^import\s+(?:\w+\s+)?"([^"]+)"/.exec(line))) {
      imports.push(m[1]!);
      sink.add('import', m[1]!, l);
      continue;
    }
    if ((m = /^func\s+\([^)]*\)\s*(\w+)/.exec(line))) {
      sink.add('member', m[1]!, l);
      sink.add('decl', m[1]!, l);
    } else if ((m = /^func\s+(\w+)/.exec(line))) {
      sink.add('decl', m[1]!, l);
      if (/^(Test|Benchmark|Fuzz)[A-Z_]/.test(m[1]!)) sink.add('test', m[1]!, l);
    } else if ((m = /^type\s+(\w+)\s+(struct|interface)\s*\{/.exec(line))) {
      sink.add('decl', m[1]!, l);
      body = { depth };
    } else if ((m = /^(?:type|const|var)\s+(\w+)/.exec(line))) {
      sink.add('decl', m[1]!, l);
    } else if (body && depth === body.depth + 1 && (m = /^\s*(\w+)\s*(?:[\w*[\]().]|$)/.exec(line))) {
      sink.add('member', m[1]!, l);
    }
    addStrings(sink, line, l, false);
    for (const r of line.matchAll(/`([^`\n]{1,80})`/g)) sink.add('string', r[1]!, l);
    addKeys(sink, line, l);
    const bare = blankStrings(line);
    addCalls(sink, bare.replace(/^func\s+(\([^)]*\)\s*)?\w+/, ''), l);
    for (const ch of bare) {
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (body && depth === body.depth) body = undefined;
      }
    }
  }
  addToolDefs(sink, code);
  return { facts: sink.facts, imports, entry, parsed: true };
}
