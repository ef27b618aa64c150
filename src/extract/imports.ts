import { FactSink, type FileFacts } from './types.js';

/*
 * Kept apart from typescript.ts so that reading imports never loads ts-morph: a cache hit and the
 * prefiltered files must not pay for the compiler.
 */
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Cheap import-only pass for TS/JS files that fail the rubric prefilter: enough for reachability
 * and for import signals (an LLM SDK import). Comments are not stripped; a false edge only widens
 * reachability, which is the conservative direction.
 */
export function scanTypeScriptImports(text: string): FileFacts {
  const imports: string[] = [];
  const sink = new FactSink();
  for (const m of text.matchAll(IMPORT_RE)) {
    const s = m[1] ?? m[2] ?? m[3];
    if (!s) continue;
    imports.push(s);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    sink.add('import', s, line);
  }
  return { facts: sink.facts, imports, parsed: false };
}
