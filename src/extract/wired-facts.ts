import { escapeRegExp } from '../rubric/words.js';
import { flat } from './types.js';

/**
 * What the wired-in check (src/detect/wired.ts) needs from one product code file, recorded by
 * the extract stage so that the detect stage reads no file text for it (issue 16: a re-run after
 * one file changed read every product file again for this check). Cached with the file's facts,
 * so it is keyed by the file's content hash and the extractor salt (the rubric's signals).
 *
 * Compact by design: identifier sets are one space-delimited string each (searched with
 * `includes(' name ')`, never split), and occurrence lines are kept only for identifiers that a
 * signal could make a declared name (`nameTest` of src/extract/keep.ts).
 */
export interface WiredFacts {
  /**
   * The distinct identifier tokens (`[A-Za-z_$][\w$]*`) of the text outside line comments
   * (`//` or `#` at a line start or after a space or tab, to the end of the line), as
   * `' a b c '` (a leading and trailing space): what `isFileUsed` matches a file's declarations
   * against.
   */
  u: string;
  /**
   * Every other maximal identifier run (`[A-Za-z0-9_$]+`, not all digits) of the text or of its
   * product text (see `productText`) that is not in `u` (words of comments, runs that begin with
   * a digit), same form: with `u`, a superset of the runs the detect stage could find, so a
   * declared name that is in neither does not occur in the file.
   */
  x: string;
  /**
   * For each distinct identifier run of the product text that passes `mayName`, the lines
   * (1-based, in text order, one entry per occurrence) where it is used: occurrences whose line
   * opens a comment before them are left out (`COMMENT_PREFIX`).
   */
  m: Array<[string, number[]]>;
}

/** The text before a match on its line opens a comment (`//`, `#`, `*`, `/*`, or a trailing `//`). */
export const COMMENT_PREFIX = /^\s*(?:\/\/|#(?!\[)|\*|\/\*)|\s\/\/\s/;

/** `[A-Za-z0-9_$]` by char code. */
export function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** Blanks removed text but keeps its line breaks, so line numbers stay true (only the `\n`s remain). */
function blank(s: string): string {
  return '\n'.repeat(newlines(s, 0, s.length));
}

/** How many `\n` the text holds in [from, to). */
function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const BRACE = /[{}]/g;

/**
 * The text the wired-in check counts uses in: Rust inline unit tests (`#[cfg(test)] mod`) and
 * re-export lines (`pub use`, `export {..} from`, `export * from`) blanked, line breaks kept.
 */
export function productText(text: string, language: string): string {
  let out = text;
  if (language === 'rust' && out.includes('#[cfg(test)]')) out = withoutRustTestModules(out);
  if (out.includes('pub use') || out.includes('export')) {
    out = out.replace(/^\s*pub(?:\([^)]*\))?\s+use\s[^;]*;/gm, blank).replace(/^\s*export\s*(?:type\s*)?(?:\*|\{[^}]*\})\s*from\s*['"][^'"]*['"];?/gm, blank);
  }
  return out;
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
    // the block ends after its matching brace (or at the end of the text); the braces are found
    // by a native regex scan, not a character loop (a cold loop cost ~40 ms on a Rust repository)
    let depth = 1;
    let i = text.length;
    BRACE.lastIndex = m.index + m[0].length;
    for (let b = BRACE.exec(text); b; b = BRACE.exec(text)) {
      if (b[0] === '{') depth++;
      else if (--depth === 0) {
        i = b.index + 1;
        break;
      }
    }
    out += text.slice(last, m.index) + '\n'.repeat(newlines(text, m.index, i));
    last = i;
    re.lastIndex = i;
  }
  return out + text.slice(last);
}

/** Identifier tokens as `isFileUsed` reads them: `[A-Za-z_$][\w$]*`. */
export const IDENT_TOKEN = /[A-Za-z_$][\w$]*/g;
/** Line comments as `isFileUsed` removes them: from `//` or `#` (not `#[`) at a line start or after a space or tab. */
export const LINE_COMMENT = /(?:^|[ \t])(?:\/\/|#(?!\[)).*$/gm;
/** Maximal identifier runs that hold a non-digit (leftmost-longest: a run's whole text). */
const RUN_WITH_LETTER = /[A-Za-z0-9_$]*[A-Za-z_$][A-Za-z0-9_$]*/g;
/** Maximal runs that begin with a digit and hold a non-digit (`2fa`). */
const DIGIT_LED_RUN = /(?<![A-Za-z0-9_$])[0-9]+[A-Za-z_$][A-Za-z0-9_$]*/g;
/** Maximal identifier runs (`[A-Za-z0-9_$]+`), digits only or not. */
const ANY_RUN = /[A-Za-z0-9_$]+/g;
/** Maximal runs of digits only. */
const DIGIT_RUN = /(?<![A-Za-z0-9_$])[0-9]+(?![A-Za-z0-9_$])/g;

/**
 * The wired-in record of one product code file (see `WiredFacts`), from native regex scans: the
 * tokens outside line comments (`u`), the runs in comments and those that begin with a digit
 * (`x`), then, for the runs that pass `mayName`, their uses in the product text (`m`). Issue 16.
 * @param mayName true for an identifier that some signal could make a declared name (`nameTest`
 *   of src/extract/keep.ts); the detect stage asks the same test to know which names `m` covers
 */
export function wiredFacts(text: string, language: string, mayName: (name: string) => boolean): WiredFacts {
  const comments: string[] = [];
  const stripped = text.replace(LINE_COMMENT, (c) => {
    comments.push(c);
    return '';
  });
  const u = new Set(stripped.match(IDENT_TOKEN));
  // every maximal run with a non-digit is in `u` or `x`: runs in removed comments, runs that
  // begin with a digit, and (Rust test modules blanked mid-line) runs the blanking joins
  const other = new Set<string>();
  const addRuns = (s: string, re: RegExp) => {
    for (const r of s.match(re) ?? []) if (!u.has(r)) other.add(r);
  };
  for (const c of comments) addRuns(c, RUN_WITH_LETTER);
  addRuns(stripped, DIGIT_LED_RUN);
  const product = productText(text, language);
  if (language === 'rust' && product !== text) addRuns(product, RUN_WITH_LETTER);
  // the runs a signal could make a declared name (digit runs too: a name may be all digits)
  const named: string[] = [];
  for (const t of u) if (mayName(t)) named.push(t);
  for (const t of other) if (mayName(t)) named.push(t);
  for (const t of new Set(text.match(DIGIT_RUN))) if (mayName(t)) named.push(t);
  const m: Array<[string, number[]]> = [];
  if (named.length) {
    const wanted = new Set(named);
    const lines = new Map<string, number[]>();
    // one pass over the maximal identifier runs of the product text and a set lookup: a run is
    // a use of a name when it is the whole name (both boundaries), linear in the text whatever
    // the number of names (an alternation of the names cost text size x names)
    let line = 1;
    let at = 0;
    ANY_RUN.lastIndex = 0;
    for (let hit = ANY_RUN.exec(product); hit; hit = ANY_RUN.exec(product)) {
      const t = hit[0];
      if (!wanted.has(t)) continue;
      const start = hit.index;
      const lineStart = product.lastIndexOf('\n', start) + 1;
      if (COMMENT_PREFIX.test(product.slice(lineStart, start))) continue;
      for (let b = product.indexOf('\n', at); b >= 0 && b < start; b = product.indexOf('\n', b + 1)) line++;
      at = start;
      const list = lines.get(t);
      if (list) list.push(line);
      else lines.set(t, [line]);
    }
    // names are copied out of the text (a V8 slice would keep the whole text alive)
    for (const [t, l] of lines) m.push([flat(t), l]);
  }
  const x: string[] = [];
  for (const r of other) x.push(r);
  return { u: u.size ? ` ${[...u].join(' ')} ` : ' ', x: x.length ? ` ${x.join(' ')} ` : ' ', m };
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
  const emit = (n: Node): string => {
    const alts = [...n.next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([c, m]) => escapeRegExp(c) + emit(m));
    if (n.end) alts.push('');
    if (alts.length === 0) return '';
    if (alts.length === 1) return alts[0]!;
    return `(?:${alts.join('|')})`;
  };
  return `(?:${emit(root)})`;
}
