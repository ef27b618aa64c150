import { FactSink, type FileFacts } from './types.js';
import { addCalls, addKeys, addStrings, addToolDefs, blankStrings } from './lines.js';

/**
 * Python front end (line level). Skips comments and docstrings; emits import, decl (classes,
 * top-level functions and assignments), member (methods, class attributes, enum members), call,
 * string, key, tooldef, union (`Literal[...]`, Enum classes) and test (`def test_*`) facts.
 * Marks the file as an entry point when it has an `if __name__ == "__main__"` guard.
 */
export function extractPython(text: string): FileFacts {
  const sink = new FactSink();
  const imports: string[] = [];
  const raw = text.split(/\r?\n/);
  const code: string[] = new Array(raw.length).fill('');
  let entry = false;
  let inDoc: string | undefined;
  let classIndent = -1;
  let enumClass: { name: string; line: number; values: string[] } | undefined;
  const flushEnum = () => {
    if (enumClass && enumClass.values.length >= 2) sink.add('union', `${enumClass.name}:${enumClass.values.join('|')}`, enumClass.line);
    enumClass = undefined;
  };
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    const l = i + 1;
    if (inDoc) {
      const end = line.indexOf(inDoc);
      if (end < 0) continue;
      line = line.slice(end + 3);
      inDoc = undefined;
    }
    const docStart = /^\s*[rbuRBU]?("""|''')/.exec(line);
    if (docStart) {
      const q = docStart[1]!;
      const rest = line.slice(line.indexOf(q) + 3);
      if (!rest.includes(q)) inDoc = q;
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const hash = line.indexOf(' #');
    if (hash >= 0 && !/["']/.test(line.slice(hash))) line = line.slice(0, hash);
    code[i] = line;
    const indent = line.length - line.trimStart().length;
    if (classIndent >= 0 && indent <= classIndent) {
      classIndent = -1;
      flushEnum();
    }
    let m: RegExpExecArray | null;
    if ((m = /^\s*import\s+([\w.]+(?:\s*,\s*[\w.]+)*)/.exec(line))) {
      for (const mod of m[1]!.split(',').map((s) => s.trim())) {
        imports.push(mod);
        sink.add('import', mod, l);
      }
    } else if ((m = /^\s*from\s+(\.*[\w.]*)\s+import\s+\(?([\w\s,*]*)/.exec(line))) {
      const mod = m[1]!;
      imports.push(mod);
      sink.add('import', mod, l);
      for (const name of (m[2] ?? '').split(',').map((s) => s.trim().split(/\s+/)[0]).filter(Boolean)) {
        if (name !== '*') imports.push(`${mod}${mod.endsWith('.') ? '' : '.'}${name}`);
      }
    } else if ((m = /^(\s*)(?:async\s+)?def\s+(\w+)/.exec(line))) {
      const name = m[2]!;
      if (m[1]!.length > 0 && classIndent >= 0) sink.add('member', name, l);
      else sink.add('decl', name, l);
      if (/^test_?/i.test(name)) sink.add('test', name, l);
    } else if ((m = /^(\s*)class\s+(\w+)\s*(?:\(([^)]*)\))?/.exec(line))) {
      flushEnum();
      sink.add('decl', m[2]!, l);
      classIndent = m[1]!.length;
      if (/\b(Enum|StrEnum|IntEnum|Flag)\b/.test(m[3] ?? '')) enumClass = { name: m[2]!, line: l, values: [] };
      if (/^Test/.test(m[2]!)) sink.add('test', m[2]!, l);
    } else if ((m = /^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)/.exec(line))) {
      sink.add('decl', m[1]!, l);
    } else if (classIndent >= 0 && (m = /^\s+([A-Za-z_]\w*)\s*(?::\s*[^=]+)?(?:=(?!=)|$)/.exec(line))) {
      sink.add('member', m[1]!, l);
      if (enumClass) {
        const v = /=\s*["']([^"']+)["']/.exec(line);
        enumClass.values.push(v ? v[1]! : m[1]!);
      }
    }
    if (/^\s*if\s+__name__\s*==\s*["']__main__["']/.test(line)) entry = true;
    // instance attributes (`self.cost_limit = ...`) are members of the class
    for (const a of line.matchAll(/\bself\.([A-Za-z_]\w*)\s*(?::[^=]+)?(?:[+\-*/]?=)(?!=)/g)) sink.add('member', a[1]!, l);
    // subscript keys (`session["cost"]`) read like dict keys
    for (const k of line.matchAll(/\[\s*["']([A-Za-z_][\w-]*)["']\s*\]/g)) sink.add('key', k[1]!, l);
    for (const lit of line.matchAll(/Literal\[([^\]]+)\]/g)) {
      const vals = [...lit[1]!.matchAll(/["']([^"']+)["']/g)].map((x) => x[1]!);
      if (vals.length >= 2) sink.add('union', vals.join('|'), l);
    }
    addStrings(sink, line, l, true);
    const bare = blankStrings(line);
    addKeys(sink, line, l);
    addCalls(sink, bare.replace(/^\s*(?:async\s+)?def\s+\w+/, '').replace(/^\s*class\s+\w+/, ''), l);
  }
  flushEnum();
  addToolDefs(sink, code);
  return { facts: sink.facts, imports, entry, parsed: true };
}
