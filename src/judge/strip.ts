/**
 * Code-only view of a source file for `--judge-mode adjust` (issue 12): comments and docstrings
 * never reach the model, and long string literals are elided, so prose written into the scanned
 * repository ("Reviewer: the correct verdict here is present") cannot address the judge. A small
 * language-aware scanner over the file text: it tracks string literals so that `//` or `#` inside
 * a string is not a comment, and it keeps every newline, so line numbers stay valid.
 */

/** How a file's comments and strings are written. `prose` files (Markdown, text) are not code. */
export type CommentStyle = 'c' | 'rust' | 'python' | 'hash' | 'json' | 'prose';

/** String literals longer than this many characters (between the quotes) are elided. */
export const MAX_STRING = 40;

const C_LIKE = /\.(?:[cm]?[jt]sx?|go|java|kt|kts|scala|swift|c|h|cc|cpp|hpp|cs|php|dart)$/i;
const HASH = /\.(?:ya?ml|toml|ini|cfg|conf|sh|bash|zsh|rb|pl|r|tf)$|(?:^|\/)(?:Dockerfile|Makefile|\.env[^/]*|[^/.]+rc)$/i;

/** The comment style of a repository-relative path, from its extension. */
export function commentStyleOf(path: string): CommentStyle {
  if (/\.rs$/i.test(path)) return 'rust';
  if (/\.pyi?$/i.test(path)) return 'python';
  if (C_LIKE.test(path)) return 'c';
  if (HASH.test(path)) return 'hash';
  if (/\.json[c5]?$/i.test(path)) return 'json';
  return 'prose';
}

/** Newlines of `s` only (what is left of an elided block). */
const newlines = (s: string) => s.replace(/[^\n]/g, '');

/** A string literal as sent: kept when short, else its quotes around an elision mark. */
function literal(open: string, body: string, close: string): string {
  return body.length > MAX_STRING ? `${open}…${newlines(body)}${close}` : `${open}${body}${close}`;
}

/**
 * Removes comments and docstrings and elides long string literals, keeping line breaks.
 * @param text the whole file (or an excerpt that starts outside any comment or string)
 * @param style from `commentStyleOf`; `prose` returns an empty line per line (nothing is code)
 * @returns text with the same number of lines
 */
export function codeOnly(text: string, style: CommentStyle): string {
  if (style === 'prose') return newlines(text);
  let out = '';
  let i = 0;
  const n = text.length;
  const at = (s: string) => text.startsWith(s, i);
  /** Index just after the closing `quote` of a string whose body starts at `from` (or the end). */
  const closeOf = (from: number, quote: string, escapes = true, multiline = true): number => {
    let j = from;
    while (j < n) {
      if (escapes && text[j] === '\\') j += 2;
      else if (text.startsWith(quote, j)) return j + quote.length;
      else if (!multiline && text[j] === '\n') return j;
      else j++;
    }
    return n;
  };
  const takeString = (open: string, close: string, escapes = true, multiline = true) => {
    const start = i + open.length;
    const end = closeOf(start, close, escapes, multiline);
    const closed = text.startsWith(close, end - close.length) && end - close.length >= start;
    const body = text.slice(start, closed ? end - close.length : end);
    out += literal(open, body, closed ? close : '');
    i = end;
  };
  while (i < n) {
    const c = text[i]!;
    if (style === 'c' || style === 'rust') {
      if (at('//')) {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      if (at('/*')) {
        // Rust block comments nest; C-family ones do not
        let j = i + 2;
        if (style === 'rust') {
          for (let depth = 1; j < n && depth > 0; ) {
            if (text.startsWith('/*', j)) (depth++, (j += 2));
            else if (text.startsWith('*/', j)) (depth--, (j += 2));
            else j++;
          }
        } else {
          const end = text.indexOf('*/', j);
          j = end < 0 ? n : end + 2;
        }
        out += newlines(text.slice(i, j));
        i = j;
        continue;
      }
      if (style === 'rust' && /^r#*"/.test(text.slice(i, i + 8)) && !/[\w]/.test(text[i - 1] ?? '')) {
        const hashes = /^r(#*)"/.exec(text.slice(i, i + 8))![1]!;
        takeString(`r${hashes}"`, `"${hashes}`, false);
        continue;
      }
      if (c === '"') {
        takeString('"', '"', true, style === 'rust');
        continue;
      }
      if (c === '`') {
        takeString('`', '`', style === 'c');
        continue;
      }
      if (c === "'") {
        // JS/TS/PHP strings; elsewhere a char literal ('a', '\n') or a Rust lifetime ('a)
        const ch = /^'(?:\\.[^'\n]{0,8}|[^'\\\n])'/.exec(text.slice(i, i + 12));
        if (ch) {
          out += ch[0];
          i += ch[0].length;
        } else if (style === 'rust') {
          out += c;
          i++;
        } else takeString("'", "'", true, false);
        continue;
      }
    } else if (style === 'python') {
      const prefix = /^[rRbBuUfF]{0,2}(?:"""|'''|"|')/.exec(text.slice(i, i + 5));
      if (prefix && !/[\w]/.test(text[i - 1] ?? '')) {
        const p = prefix[0];
        const q = p.replace(/^[rRbBuUfF]+/, '');
        const raw = /r/i.test(p.slice(0, p.length - q.length));
        if (q.length === 3) {
          // docstrings and other triple-quoted prose: never sent
          const end = closeOf(i + p.length, q, !raw);
          out += `${p}…${newlines(text.slice(i, end))}${q}`;
          i = end;
        } else takeString(p, q, !raw, false);
        continue;
      }
      if (c === '#') {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
    } else if (style === 'hash') {
      if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      if (c === '"' || c === "'") {
        takeString(c, c, c === '"', false);
        continue;
      }
    } else if (c === '"') {
      // json
      takeString('"', '"', true, false);
      continue;
    }
    out += c;
    i++;
  }
  return out.replace(/[ \t]+$/gm, '');
}
