import { flat } from './types.js';

/**
 * What the wired-in check (src/detect/wired.ts) needs from one product code file, recorded by
 * the extract stage so that the detect stage reads no file text for it (issue 16: a re-run after
 * one file changed read every product file again for this check). Cached with the file's facts,
 * so it is keyed by the file's content hash and the extractor salt (the rubric's signals).
 *
 * Compact by design: identifier sets are one space-delimited string each (searched with
 * `includes(' name ')`, never split), and occurrence lines are kept only for identifiers that a
 * signal could make a declared name (`mayName`).
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

/** A JavaScript line terminator (where `^` and `$` of a multiline regex match). */
function isLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** Blanks removed text but keeps its line breaks, so line numbers stay true. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, '');
}

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

/** True when the run holds a character other than a digit. */
function hasNonDigit(run: string): boolean {
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c < 48 || c > 57) return true;
  }
  return false;
}

/**
 * The wired-in record of one product code file (see `WiredFacts`), in two passes over the text:
 * identifier runs with their line-comment state, then (only when some run passes `mayName`) the
 * uses of those runs in the product text. Issue 16.
 * @param mayName true for an identifier that some signal could make a declared name (the fact
 *   filter's `mayName`); the detect stage asks the same test to know which names `m` covers
 */
export function wiredFacts(text: string, language: string, mayName: (name: string) => boolean): WiredFacts {
  const u = new Set<string>();
  // runs inside line comments or beginning with a digit: their own form is not a token of `u`
  const other = new Set<string>();
  const named = new Set<string>();
  const tested = new Set<string>();
  const n = text.length;
  let inComment = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c)) {
      inComment = false;
      i++;
      continue;
    }
    if (isIdentChar(c)) {
      const start = i;
      while (i < n && isIdentChar(text.charCodeAt(i))) i++;
      const run = text.slice(start, i);
      if (!tested.has(run)) {
        tested.add(run);
        if (mayName(run)) named.add(run);
      }
      let s = 0;
      while (s < run.length && run.charCodeAt(s) >= 48 && run.charCodeAt(s) <= 57) s++;
      if (inComment || s > 0) {
        if (s < run.length) other.add(run);
        if (!inComment && s < run.length) u.add(run.slice(s));
      } else u.add(run);
      continue;
    }
    if (!inComment && ((c === 47 && text.charCodeAt(i + 1) === 47) || (c === 35 && text.charCodeAt(i + 1) !== 91))) {
      const p = i === 0 ? 10 : text.charCodeAt(i - 1);
      if (isLineBreak(p) || p === 32 || p === 9) inComment = true;
    }
    i++;
  }
  const m: Array<[string, number[]]> = [];
  const product = productText(text, language);
  const rewritten = product !== text;
  if (named.size || rewritten) {
    const lines = new Map<string, number[]>();
    let line = 1;
    let at = 0;
    const pn = product.length;
    let k = 0;
    while (k < pn) {
      if (!isIdentChar(product.charCodeAt(k))) {
        k++;
        continue;
      }
      const start = k;
      while (k < pn && isIdentChar(product.charCodeAt(k))) k++;
      const t = product.slice(start, k);
      // removing a block can join two runs into a new one: it must be known to `x`
      if (rewritten && !tested.has(t)) {
        tested.add(t);
        if (hasNonDigit(t) && !u.has(t)) other.add(t);
        if (mayName(t)) named.add(t);
      }
      if (!named.has(t)) continue;
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
  for (const r of other) if (!u.has(r)) x.push(r);
  return { u: u.size ? ` ${[...u].join(' ')} ` : ' ', x: x.length ? ` ${x.join(' ')} ` : ' ', m };
}
