/**
 * Word-aware matching (issue 11, item 1). Identifiers, call paths, keys and strings are split
 * into lowercase words: camelCase, PascalCase, snake_case, kebab-case and acronyms
 * (`HTTPServer` -> `http server`); path separators (`.`, `::`, `/`) become a `.` word of their
 * own, so `this.api.createMessage` reads `this . api . create message`. A rubric phrase matches
 * whole words in sequence, never inside a word: `as tool` does not match `hasToolUsage`, and
 * `code verifier` can be excluded as a phrase.
 *
 * Phrase syntax (space-separated tokens):
 * - `word`: exactly that word; `word*`: a word starting with it (`compact*` matches compaction);
 * - `?`: any one word (`max ? loops` matches `MAX_AGENT_LOOPS`);
 * - `.`: a path separator (`tool . execute` matches `tool.execute` and `this.tool.execute`);
 * - `^` first / `$` last token: anchored at the start / end of the value.
 */

const ACRONYM = /([A-Z]+)([A-Z][a-z])/g;
const CAMEL = /([a-z0-9])([A-Z])/g;
const SEPARATOR = /(?:::|[./\\])/g;
const NON_WORD = /[^A-Za-z0-9.]+/g;
const SPACES = /\s+/g;
const ONE_LOWER_WORD = /^[a-z0-9]+$/;

/** Splits a value into its words, lowercased, joined by single spaces (see the module doc). */
export function wordsOf(value: string): string {
  // one lowercase word (`push`, `log2`): nothing to split
  if (ONE_LOWER_WORD.test(value)) return value;
  return value
    .replace(SEPARATOR, ' . ')
    .replace(ACRONYM, '$1 $2')
    .replace(CAMEL, '$1 $2')
    .replace(NON_WORD, ' ')
    .replace(SPACES, ' ')
    .trim()
    .toLowerCase();
}

/** `s` with every regular-expression metacharacter escaped: a literal inside a `RegExp` source. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One phrase as a regular expression over `wordsOf` output.
 * @throws Error when the phrase has no word
 */
export function phraseSource(phrase: string): string {
  const tokens = phrase.trim().split(/\s+/).filter(Boolean);
  let start = '(?:^| )';
  let end = '(?= |$)';
  if (tokens[0] === '^') { tokens.shift(); start = '^'; }
  if (tokens[tokens.length - 1] === '$') { tokens.pop(); end = '$'; }
  if (!tokens.length) throw new Error(`phrase "${phrase}" has no word`);
  const body = tokens.map((t) => (t === '?' ? '[a-z0-9]+' : t.endsWith('*') ? `${escapeRegExp(t.slice(0, -1).toLowerCase())}[a-z0-9]*` : escapeRegExp(t.toLowerCase()))).join(' ');
  return `${start}${body}${end}`;
}

/** An alternation of phrases as one regular expression over `wordsOf` output. */
export function phrasesRegex(phrases: string[]): RegExp {
  return new RegExp(phrases.map((p) => `(?:${phraseSource(p)})`).join('|'));
}

/**
 * The prefilter stem of a phrase: its longest run of words between separators, joined without
 * spaces (`create message` -> `createmessage`), which the lowercased source text holds whatever
 * the naming convention. Undefined when shorter than 3 letters.
 */
export function phraseStem(phrase: string): string | undefined {
  // `?` and `*` break a run: the text between them is not contiguous
  const runs = phrase.replace(/[\^$]/g, ' ').split(/\s(?:\.|\?)(?=\s|$)|^(?:\.|\?)\s/).flatMap((seg) => {
    const out: string[] = [];
    let cur = '';
    for (const w of seg.split(/\s+/).filter(Boolean)) {
      if (w.endsWith('*')) { out.push(cur + w.slice(0, -1).toLowerCase()); cur = ''; } else cur += w.toLowerCase();
    }
    if (cur) out.push(cur);
    return out;
  });
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  return longest && longest.length >= 3 ? longest : undefined;
}
