import type { FactSink } from './types.js';
import { TOOL_SCHEMA_LINE } from './tool-shape.js';

/**
 * Shared helpers for the line-level front ends (Python, Rust, Go). They see code with comments
 * and docstrings already removed, so a word in a comment never becomes a fact.
 */

const DQ = /"((?:[^"\\\n]|\\.){1,80})"/g;
const SQ = /'((?:[^'\\\n]|\\.){2,80})'/g;
const CALL = /([A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_][\w]*)*)\s*(?:::<[^>]*>)?\s*\(/g;
const KEY_DQ = /["']([A-Za-z_][\w-]*)["']\s*:/g;
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'match', 'return', 'fn', 'def', 'func', 'elif', 'with', 'not', 'and', 'or', 'in', 'print', 'assert', 'lambda', 'await', 'yield', 'Some', 'Ok', 'Err', 'None', 'Box', 'Vec', 'String', 'format', 'println', 'vec', 'matches']);

/** Adds string-literal facts for every quoted string on the line (single quotes only where `sq`). */
export function addStrings(sink: FactSink, line: string, l: number, sq: boolean): void {
  for (const m of line.matchAll(DQ)) sink.add('string', m[1]!, l);
  if (sq) for (const m of line.matchAll(SQ)) sink.add('string', m[1]!, l);
}

/** Removes string literal contents so calls and keys are not read out of strings. */
export function blankStrings(line: string): string {
  return line.replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/'(?:[^'\\\n]|\\.){2,}'/g, "''");
}

/** Adds call facts (`a.b.c(` or `a::b(`, last 3 segments, `::` read as `.`). */
export function addCalls(sink: FactSink, code: string, l: number): void {
  for (const m of code.matchAll(CALL)) {
    const raw = m[1]!;
    if (KEYWORDS.has(raw)) continue;
    const parts = raw.replace(/::/g, '.').split('.');
    sink.add('call', parts.slice(-3).join('.'), l);
  }
}

/** Adds dict/map literal keys such as `"name":` and struct-literal fields `name:` where `bare`. */
export function addKeys(sink: FactSink, line: string, l: number): void {
  for (const m of line.matchAll(KEY_DQ)) sink.add('key', m[1]!, l);
}

const TOOL_NAME = /(?:["']name["']|\bname)\s*[:=]/;
const TOOL_DESC = /(?:["']description["']|\bdescription)\s*[:=]/;
const TOOL_SCHEMA = TOOL_SCHEMA_LINE;

/**
 * Finds tool-definition-shaped literals: a window of up to `span` lines holding a name, a
 * description and a schema key (dict, struct literal or keyword arguments). One fact per window.
 * @param lines code lines with comments removed (index 0 = line 1)
 */
export function addToolDefs(sink: FactSink, lines: string[], span = 14): void {
  let i = 0;
  while (i < lines.length) {
    if (TOOL_NAME.test(lines[i]!)) {
      const end = Math.min(lines.length, i + span);
      let desc = false;
      let schema = false;
      for (let j = Math.max(0, i - 3); j < end; j++) {
        const s = lines[j]!;
        if (TOOL_DESC.test(s)) desc = true;
        if (TOOL_SCHEMA.test(s)) schema = true;
      }
      if (desc && schema) {
        const nm = /name["']?\s*[:=]\s*["']([\w.-]{1,60})["']/.exec(lines[i]!);
        sink.add('tooldef', nm?.[1] ?? 'tool', i + 1);
        i = end;
        continue;
      }
    }
    i++;
  }
}
