import { FactSink, type FileFacts } from './types.js';
import { addCalls, addKeys, addStrings, addToolDefs, blankStrings } from './lines.js';

/**
 * Rust front end (line level). Skips `//` and `/* *\/` comments; emits import (`use` paths and
 * `mod` names, prefixed `mod:`), decl (fn, struct, enum, trait, type, const, static), member
 * (struct fields, enum variants, impl methods), call, string, key, tooldef, union (enum
 * variants) and test (`#[test]` functions). Code under `#[cfg(test)]` is marked as a test region,
 * so inline unit tests count only where the rubric accepts tests.
 */
export function extractRust(text: string, path: string): FileFacts {
  const sink = new FactSink();
  const imports: string[] = [];
  const raw = text.split(/\r?\n/);
  const code: string[] = new Array(raw.length).fill('');
  let inBlock = false;
  let depth = 0;
  let testDepth = -1;
  let pendingCfgTest = false;
  let pendingTestAttr = false;
  let body: { kind: 'struct' | 'enum' | 'impl'; name: string; depth: number; line: number; variants: string[] } | undefined;
  let entry = /(^|\/)src\/main\.rs$|(^|\/)src\/bin\/[^/]+\.rs$/.test(path);
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    const l = i + 1;
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      line = line.slice(end + 2);
      inBlock = false;
    }
    line = line.replace(/\/\*.*?\*\//g, '');
    const bs = line.indexOf('/*');
    if (bs >= 0 && !/"[^"]*\/\*/.test(line)) {
      line = line.slice(0, bs);
      inBlock = true;
    }
    const cm = line.search(/\/\/(?![^"]*"[^"]*$)/);
    if (cm >= 0) line = line.slice(0, cm);
    if (!line.trim()) continue;
    code[i] = line;
    const bare = blankStrings(line);
    if (/#\[cfg\(test\)\]/.test(line)) pendingCfgTest = true;
    if (/#\[(tokio::)?test\]/.test(line)) pendingTestAttr = true;
    sink.testRegion = testDepth >= 0;
    let m: RegExpExecArray | null;
    if ((m = /^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([\w:]+)/.exec(line))) {
      imports.push(m[1]!);
      sink.add('import', m[1]!, l);
      for (const g of line.matchAll(/\{([^}]*)\}/g)) for (const n of g[1]!.split(',').map((s) => s.trim().split(/\s|::/)[0]).filter(Boolean)) sink.add('import', `${m[1]}${n}`, l);
    } else if ((m = /^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/.exec(line))) {
      imports.push(`mod:${m[1]}`);
    } else if ((m = /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+|const\s+|unsafe\s+|extern\s+"C"\s+)*fn\s+(\w+)/.exec(line))) {
      const name = m[1]!;
      if (body?.kind === 'impl') sink.add('member', name, l);
      sink.add('decl', name, l);
      if (pendingTestAttr || testDepth >= 0) sink.add('test', name, l);
      if (name === 'main' && depth === 0) entry = true;
      pendingTestAttr = false;
    } else if ((m = /^\s*(?:pub(?:\([^)]*\))?\s+)?(struct|enum|trait|type|const|static|union)\s+(\w+)/.exec(line))) {
      sink.add('decl', m[2]!, l);
      if ((m[1] === 'struct' || m[1] === 'enum') && /\{\s*$/.test(bare)) body = { kind: m[1], name: m[2]!, depth, line: l, variants: [] };
    } else if ((m = /^\s*impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?([\w:]+)/.exec(line))) {
      body = { kind: 'impl', name: m[1]!, depth, line: l, variants: [] };
    } else if (body && depth === body.depth + 1) {
      if (body.kind === 'struct' && (m = /^\s*(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:/.exec(line))) sink.add('member', m[1]!, l);
      else if (body.kind === 'enum' && (m = /^\s*([A-Z]\w*)\s*(?:[({,=]|$)/.exec(line))) {
        sink.add('member', m[1]!, l);
        body.variants.push(m[1]!);
      }
    }
    addStrings(sink, line, l, false);
    addKeys(sink, line, l);
    addCalls(sink, bare.replace(/^\s*(?:pub\s+)?(?:async\s+)?fn\s+\w+/, ''), l);
    for (const ch of bare) {
      if (ch === '{') {
        if (pendingCfgTest && testDepth < 0) {
          testDepth = depth;
          pendingCfgTest = false;
        }
        depth++;
      } else if (ch === '}') {
        depth--;
        if (body && depth === body.depth) {
          if (body.kind === 'enum' && body.variants.length >= 2) sink.add('union', `${body.name}:${body.variants.join('|')}`, body.line);
          body = undefined;
        }
        if (testDepth >= 0 && depth === testDepth) testDepth = -1;
      }
    }
  }
  sink.testRegion = false;
  addToolDefs(sink, code);
  return { facts: sink.facts, imports, entry, parsed: true };
}
