import type { AnalyzedFile } from '../extract/index.js';

/**
 * The wired-in check (issue: "tell wired-in code from look-alikes"): a declared name counts as
 * wired when some *other* non-test source file references it; a member (method, field) also when
 * its own file uses it again; a top-level declaration in an entry-point file likewise. Re-export lines (`pub use`, `export {..} from`, `export * from`)
 * are not uses: a type exported and never called is not wired in. Neither are mentions in line
 * comments, nor uses inside Rust `#[cfg(test)]` modules.
 *
 * @param names declared names that matched a signal (only these are counted)
 * @returns predicate (file, name) -> wired
 */
/** The text before a match on its line opens a comment (`//`, `#`, `*`, `/*`, or a trailing `//`). */
const IDENT_TOKEN = /[A-Za-z_$][\w$]*/g;
const LINE_COMMENT = /(?:^|[ \t])(?:\/\/|#(?!\[)).*$/gm;
const COMMENT_PREFIX = /^\s*(?:\/\/|#(?!\[)|\*|\/\*)|\s\/\/\s/;

const IDENT_ONLY = /^[A-Za-z0-9_$]+$/;

/** `[A-Za-z0-9_$]` by char code. */
function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** Languages whose code can use each other's names: TypeScript and JavaScript are one family. */
export function languageFamily(language: string): string {
  return language === 'typescript' || language === 'javascript' ? 'js' : language;
}

/**
 * @param names declared names that matched a signal, each with the language families that
 *   declare it (a name is looked for only in files of those families: a Python class is not
 *   used by a TypeScript file)
 */
/** Where declared names are mentioned in product code: name -> [file, line] pairs (comments and definitions' own re-exports excluded). */
export type Mentions = Map<string, Array<[string, number]>>;

/** Mentions kept per name: enough to relate a name to the loop, bounded for memory. */
const MAX_MENTIONS = 400;

/**
 * The wired-in predicate (first comment of this file) over the product files' texts, one
 * identifier pass per file.
 * @param names declared names that matched a signal, with the language families declaring them
 * @param mentions filled with where each name is used (file, line), when given
 * @param onText receives each file's text as the pass reads it (before Rust test modules and
 *   re-exports are blanked), so a caller that needs the same text does not read it again
 */
export function computeWiredNames(
  files: AnalyzedFile[],
  names: Map<string, Set<string>>,
  entries: Set<string>,
  importers: Map<string, Set<string>> = new Map(),
  mentions?: Mentions,
  onText?: (file: AnalyzedFile, text: string) => void,
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
    for (const [name, fams] of names) {
      if (IDENT_ONLY.test(name)) {
        minLen = Math.min(minLen, name.length);
        maxLen = Math.max(maxLen, name.length);
      } else for (const fam of fams) (odd.get(fam) ?? odd.set(fam, []).get(fam)!).push(name);
    }
    const oddTokens = new Map([...odd].map(([fam, list]) => [fam, new RegExp(`${trieAlternation(list)}(?![A-Za-z0-9_$])`, 'g')]));
    const IDENT = /[A-Za-z0-9_$]/;
    const families = new Set([...names.values()].flatMap((fams) => [...fams]));
    for (const f of files) {
      if (f.role !== 'source') continue;
      const family = languageFamily(f.language);
      if (!families.has(family) || !f.text) continue;
      let text = f.text;
      onText?.(f, text);
      // Rust inline unit tests (`#[cfg(test)] mod tests`) are not uses by the product
      if (f.language === 'rust' && text.includes('#[cfg(test)]')) text = withoutRustTestModules(text);
      if (text.includes('pub use') || text.includes('export')) {
        text = text.replace(/^\s*pub(?:\([^)]*\))?\s+use\s[^;]*;/gm, blank).replace(/^\s*export\s*(?:type\s*)?(?:\*|\{[^}]*\})\s*from\s*['"][^'"]*['"];?/gm, blank);
      }
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
      // line numbers only matter when mentions are wanted, and only when the text was not
      // rewritten (removed test modules and re-exports would shift them)
      const lines = !!mentions;
      let line = 1;
      let at = 0;
      for (const [index, t] of found) {
        // a name in a comment is a mention, not a use
        const lineStart = text.lastIndexOf('\n', index) + 1;
        if (COMMENT_PREFIX.test(text.slice(lineStart, index))) continue;
        const per = counts.get(t) ?? new Map<string, number>();
        per.set(f.path, (per.get(f.path) ?? 0) + 1);
        counts.set(t, per);
        if (lines) {
          for (let k = text.indexOf('\n', at); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) line++;
          at = index;
          const list = mentions.get(t) ?? mentions.set(t, []).get(t)!;
          if (list.length < MAX_MENTIONS) list.push([f.path, line]);
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
    for (const u of users) {
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

/** Blanks removed text but keeps its line breaks, so line numbers stay true. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, '');
}

/**
 * Removes `#[cfg(test)] mod name { ... }` blocks (line breaks kept) (brace-matched; braces in strings or comments
 * may end a block early, which only keeps more text). Other `#[cfg(test)]` items are kept.
 */
export function withoutRustTestModules(text: string): string {
  const re = /#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    out += text.slice(last, m.index) + blank(text.slice(m.index, i));
    last = i;
    re.lastIndex = i;
  }
  return out + text.slice(last);
}

/**
 * A regex alternation of identifiers shaped as a trie (`Perm(?:issionDecision(?:1|2)|it)`):
 * names in a codebase share long prefixes, and V8 tries the alternatives of a flat list one by
 * one at every position. Longer names are tried before their prefixes (`ab(?:c|)`), and the
 * caller's right boundary then picks the whole identifier.
 */
export function trieAlternation(names: string[]): string {
  interface Node { next: Map<string, Node>; end: boolean }
  const root: Node = { next: new Map(), end: false };
  for (const n of names) {
    let cur = root;
    for (const c of n) {
      let nx = cur.next.get(c);
      if (!nx) cur.next.set(c, (nx = { next: new Map(), end: false }));
      cur = nx;
    }
    cur.end = true;
  }
  const esc = (c: string) => c.replace(/[$.*+?^{}()|[\]\\]/g, '\\$&');
  const emit = (n: Node): string => {
    const alts = [...n.next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([c, m]) => esc(c) + emit(m));
    if (n.end) alts.push('');
    if (alts.length === 0) return '';
    if (alts.length === 1) return alts[0]!;
    return `(?:${alts.join('|')})`;
  };
  return `(?:${emit(root)})`;
}
