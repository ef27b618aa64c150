import type { AnalyzedFile } from '../extract/index.js';
import { flat } from '../extract/types.js';
import { COMMENT_PREFIX, IDENT_TOKEN, isIdentChar, LINE_COMMENT, productText, trieAlternation, withoutRustTestModules, type WiredFacts } from '../extract/wired-facts.js';

export { trieAlternation, withoutRustTestModules };

/*
 * The wired-in check (issue: "tell wired-in code from look-alikes"): a declared name counts as
 * wired when some *other* non-test source file references it; a member (method, field) also when
 * its own file uses it again; a top-level declaration in an entry-point file likewise. Re-export
 * lines (`pub use`, `export {..} from`, `export * from`) are not uses: a type exported and never
 * called is not wired in. Neither are mentions in line comments, nor uses inside Rust
 * `#[cfg(test)]` modules.
 */

/** A whole identifier token (what `isFileUsed` can match). */
const WHOLE_TOKEN = /^[A-Za-z_$][\w$]*$/;

const IDENT_ONLY = /^[A-Za-z0-9_$]+$/;

/** Languages whose code can use each other's names: TypeScript and JavaScript are one family. */
export function languageFamily(language: string): string {
  return language === 'typescript' || language === 'javascript' ? 'js' : language;
}

/** Where declared names are mentioned in product code: name -> [file, line] pairs (comments and definitions' own re-exports excluded). */
export type Mentions = Map<string, Array<[string, number]>>;

/** Mentions kept per name: enough to relate a name to the loop, bounded for memory. */
const MAX_MENTIONS = 400;

/**
 * The wired-in predicate (first comment of this file), one identifier pass per file. A product
 * file whose facts carry the wired-in record of the extract stage (`FileFacts.wired`) is not read:
 * its uses come from the record, unless a name the record does not cover (one that `mayName`
 * rejects, such as a union's name, or one that is not an identifier) may occur in it; such files,
 * and files without a record, are read and scanned as before. Both ways give the same counts and
 * mentions (issue 16).
 * @param names declared names that matched a signal, with the language families declaring them
 * @param mentions filled with where each name is used (file, line), when given
 * @param onText receives each file's text as the pass reads it (before Rust test modules and
 *   re-exports are blanked), so a caller that needs the same text does not read it again
 * @param mayName the name test the records were made with (`nameTest` of src/extract/keep.ts);
 *   without it every file is read
 */
export function computeWiredNames(
  files: AnalyzedFile[],
  names: Map<string, Set<string>>,
  entries: Set<string>,
  importers: Map<string, Set<string>> = new Map(),
  mentions?: Mentions,
  onText?: (file: AnalyzedFile, text: string) => void,
  mayName?: (name: string) => boolean,
): (file: string, name: string, kind: 'decl' | 'member') => boolean {
  // name -> file -> occurrences
  const counts = new Map<string, Map<string, number>>();
  if (names.size) {
    // one identifier pass per file and a set lookup (linear in text size, whatever the number
    // of names); the rare names that are not identifiers (a member named by a string literal,
    // `'tool-call'`) are found with a regex of their own first
    const odd = new Map<string, string[]>();
    let minLen = Infinity;
    let maxLen = 0;
    // per family, the identifier runs a name the records do not cover must hold (any one of a
    // name's runs missing from a file rules the name out there); `null` when some such name has
    // no run to look for (every file of the family is read)
    const uncovered = new Map<string, Array<string[]> | null>();
    // a name some record lists passed `mayName` when that record was made (the same fact filter)
    const listed = new Set<string>();
    if (mayName) for (const f of files) if (f.role === 'source') for (const [t] of f.facts.wired?.m ?? []) if (names.has(t)) listed.add(t);
    for (const [name, fams] of names) {
      const ident = IDENT_ONLY.test(name);
      if (ident) {
        minLen = Math.min(minLen, name.length);
        maxLen = Math.max(maxLen, name.length);
      } else for (const fam of fams) (odd.get(fam) ?? odd.set(fam, []).get(fam)!).push(name);
      if (ident && mayName && (listed.has(name) || mayName(name))) continue;
      const runs = (name.match(/[A-Za-z0-9_$]+/g) ?? []).filter((r) => /[^0-9]/.test(r));
      for (const fam of fams) {
        if (uncovered.get(fam) === null) continue;
        if (!runs.length) uncovered.set(fam, null);
        else (uncovered.get(fam) ?? uncovered.set(fam, []).get(fam)!).push(runs);
      }
    }
    const oddTokens = new Map([...odd].map(([fam, list]) => [fam, new RegExp(`${trieAlternation(list)}(?![A-Za-z0-9_$])`, 'g')]));
    const IDENT = /[A-Za-z0-9_$]/;
    const families = new Set([...names.values()].flatMap((fams) => [...fams]));
    // a name found in a text is a slice of it: the maps key a copy (`flat`), else each would keep
    // a whole file text alive (issue 16: about 18 MB of texts on /tmp/trio)
    const count = (t: string, path: string, uses = 1) => {
      let per = counts.get(t);
      if (!per) counts.set(flat(t), (per = new Map()));
      per.set(path, (per.get(path) ?? 0) + uses);
    };
    const mention = (t: string, path: string, line: number) => {
      let list = mentions!.get(t);
      if (!list) mentions!.set(flat(t), (list = []));
      if (list.length < MAX_MENTIONS) list.push([path, line]);
    };
    for (const f of files) {
      if (f.role !== 'source') continue;
      const family = languageFamily(f.language);
      if (!families.has(family)) continue;
      const w = mayName ? f.facts.wired : undefined;
      if (w && !mayHold(w, uncovered.get(family))) {
        // from the record: every name it lists that is asked about in this family
        for (const [t, lines] of w.m) {
          if (!names.get(t)?.has(family)) continue;
          count(t, f.path, lines.length);
          if (mentions) for (const line of lines) mention(t, f.path, line);
        }
        continue;
      }
      if (!f.text) continue;
      const raw = f.text;
      onText?.(f, raw);
      // Rust inline unit tests (`#[cfg(test)] mod tests`) and re-exports are not uses by the product
      const text = productText(raw, f.language);
      // occurrences in text order: [index, name]
      const found: Array<[number, string]> = [];
      const ODD = oddTokens.get(family);
      let oddSpans: Array<[number, number]> | undefined;
      if (ODD) {
        for (const m of text.matchAll(ODD)) {
          if (m.index > 0 && IDENT.test(text[m.index - 1]!)) continue;
          (oddSpans ??= []).push([m.index, m.index + m[0].length]);
          found.push([m.index, m[0]]);
        }
      }
      if (maxLen > 0) {
        const n = text.length;
        let i = 0;
        while (i < n) {
          if (!isIdentChar(text.charCodeAt(i))) {
            i++;
            continue;
          }
          const start = i;
          while (i < n && isIdentChar(text.charCodeAt(i))) i++;
          const len = i - start;
          if (len < minLen || len > maxLen) continue;
          const t = text.slice(start, i);
          if (!names.get(t)?.has(family)) continue;
          if (oddSpans && oddSpans.some(([a, b]) => start >= a && start < b)) continue;
          found.push([start, t]);
        }
      }
      if (oddSpans) found.sort((a, b) => a[0] - b[0]);
      // line numbers only matter when mentions are wanted (blanking keeps line breaks)
      let line = 1;
      let at = 0;
      for (const [index, t] of found) {
        // a name in a comment is a mention, not a use
        const lineStart = text.lastIndexOf('\n', index) + 1;
        if (COMMENT_PREFIX.test(text.slice(lineStart, index))) continue;
        count(t, f.path);
        if (mentions) {
          for (let k = text.indexOf('\n', at); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) line++;
          at = index;
          mention(t, f.path, line);
        }
      }
    }
  }
  // "is this file used at all?": one of its own declarations appears in a file that imports it
  // or sits in the same directory (Go packages, Rust sibling modules). Computed on demand, only
  // for files whose members are used by their siblings alone.
  const byPath = new Map(files.map((f) => [f.path, f]));
  // source files by folder, for the siblings of a file
  const sourceIn = new Map<string, string[]>();
  for (const f of files) {
    if (f.role !== 'source') continue;
    const dir = f.path.slice(0, f.path.lastIndexOf('/') + 1);
    (sourceIn.get(dir) ?? sourceIn.set(dir, []).get(dir)!).push(f.path);
  }
  const fileUsed = new Map<string, boolean>();
  const isFileUsed = (file: string): boolean => {
    let v = fileUsed.get(file);
    if (v !== undefined) return v;
    const own = byPath.get(file);
    const decls = new Set((own?.facts.facts ?? []).filter((x) => x.k === 'decl' && !x.t).map((x) => x.v));
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    const users = new Set(importers.get(file) ?? []);
    for (const p of sourceIn.get(dir) ?? []) if (p !== file) users.add(p);
    v = false;
    // only whole identifier tokens can match (a name with a space or a dot never does)
    const tokens = [...decls].filter((d) => WHOLE_TOKEN.test(d));
    for (const u of users) {
      const w = byPath.get(u)?.facts.wired;
      if (w) {
        // the user's tokens outside line comments, recorded by the extract stage
        if (tokens.some((d) => w.u.includes(` ${d} `))) {
          v = true;
          break;
        }
        continue;
      }
      const raw = byPath.get(u)?.text;
      if (!raw) continue;
      // line comments mention names without using them
      const text = raw.replace(LINE_COMMENT, '');
      for (const m of text.matchAll(IDENT_TOKEN)) {
        if (decls.has(m[0])) {
          v = true;
          break;
        }
      }
      if (v) break;
    }
    fileUsed.set(file, v);
    return v;
  };
  return (file, name, kind) => {
    const per = counts.get(name);
    if (!per) return false;
    for (const [p, n] of per) {
      if (p !== file) return true;
      // members (methods, fields, variants) are used by their siblings, but only in a file whose
      // declarations someone else uses; top-level declarations must be used from another file
      // unless the file is itself an entry point
      if (n >= 2 && (entries.has(file) || (kind === 'member' && isFileUsed(file)))) return true;
    }
    return false;
  };
}

/**
 * True when a file with this record may hold one of the uncovered names (`null`: any may):
 * every identifier run of such a name is in the record's `u` or `x`.
 */
function mayHold(w: WiredFacts, uncovered: Array<string[]> | null | undefined): boolean {
  if (uncovered === undefined) return false;
  if (uncovered === null) return true;
  return uncovered.some((runs) => runs.every((r) => w.u.includes(` ${r} `) || w.x.includes(` ${r} `)));
}
