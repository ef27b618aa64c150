import type { Rubric, Signal } from '../rubric/schema.js';
import { escapeRegExp, phraseStem } from '../rubric/words.js';
import { TOOL_SHAPE_TEXT } from './tool-shape.js';

/**
 * The rubric prefilter (STYLE.md speed habits): a TypeScript/JavaScript file gets the full
 * syntax-level front end only when its text could satisfy at least one code signal; other files
 * only get the cheap import scan (reachability and import signals).
 *
 * Built automatically from the rubric: each signal regex is expanded into its literal variants
 * (optional parts taken both ways, alternations enumerated); the longest literal run of each
 * variant is a *stem* the text must contain for that variant to match. A file passes when its
 * lowercased text, with `_` and `-` removed, contains any stem. This is a superset test for facts
 * whose value has no whitespace; test files are always parsed because test titles span words.
 * A signal too complex to expand, or with a variant shorter than 3 letters, makes every file pass.
 */
export interface Prefilter {
  /** True when the text (of a file in `language`, when known) may hold a fact some signal matches. */
  test(text: string, language?: string): boolean;
  /** Stable id of the prefilter (part of the facts cache key). */
  source: string;
  /** A test-file prefilter whose signals read test titles only (no other fact of a test file counts). */
  titlesOnly?: boolean;
}

const CODE_KINDS = new Set(['decl', 'member', 'call', 'string', 'key', 'union', 'test', 'switch']);
const WILD = '\u0000';
const MAX_VARIANTS = 4000;

/** Normalizes a fact value before signal matching: lowercase, `_`, `-` and whitespace removed. */
export function normalize(s: string): string {
  return s.toLowerCase().replace(/[_\-\s]/g, '');
}

/**
 * Expands a regex source into literal variants (WILD marks anything non-literal).
 * @returns undefined when the expansion would exceed MAX_VARIANTS
 */
export function expandRegex(src: string): string[] | undefined {
  let i = 0;
  let overflow = false;
  const product = (a: string[], b: string[]) => {
    if (a.length * b.length > MAX_VARIANTS) {
      overflow = true;
      return a;
    }
    const out: string[] = [];
    for (const x of a) for (const y of b) out.push(x + y);
    return out;
  };
  const parseAlt = (): string[] => {
    const out = parseSeq();
    while (src[i] === '|') {
      i++;
      out.push(...parseSeq());
    }
    return out;
  };
  const parseSeq = (): string[] => {
    let acc = [''];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom: string[];
      const c = src[i]!;
      if (c === '(') {
        i++;
        let look = false;
        if (src[i] === '?') {
          if (src[i + 1] === ':') i += 2;
          else if (src[i + 1] === '=' || src[i + 1] === '!') { look = true; i += 2; }
          else if (src[i + 1] === '<' && (src[i + 2] === '=' || src[i + 2] === '!')) { look = true; i += 3; }
          else if (src[i + 1] === '<') { i = src.indexOf('>', i) + 1; }
        }
        const inner = parseAlt();
        i++; // ')'
        atom = look ? [''] : inner;
      } else if (c === '[') {
        const end = src.indexOf(']', i + 2);
        i = end < 0 ? src.length : end + 1;
        atom = [WILD];
      } else if (c === '\\') {
        const n = src[i + 1] ?? '';
        i += 2;
        atom = [/[a-zA-Z]/.test(n) ? WILD : n];
      } else if (c === '.') {
        i++;
        atom = [WILD];
      } else if (c === '^' || c === '$') {
        i++;
        atom = [''];
      } else {
        i++;
        atom = [c];
      }
      // quantifier
      const q = src[i];
      if (q === '?' || q === '*') {
        i++;
        atom = [...atom, ''];
        if (q === '*') atom = atom.map((a) => (a ? a + WILD : a));
      } else if (q === '+') {
        i++;
        atom = atom.map((a) => a + WILD);
      } else if (q === '{') {
        const end = src.indexOf('}', i);
        const min = Number(src.slice(i + 1, end).split(',')[0]);
        i = end + 1;
        atom = min === 0 ? [...atom.map((a) => a + WILD), ''] : atom.map((a) => a + WILD);
      }
      if (src[i] === '?') i++; // lazy modifier
      acc = product(acc, atom);
    }
    return acc;
  };
  const out = parseAlt();
  return overflow ? undefined : out;
}

/** The stems of one signal pattern, or undefined when every file must pass. */
export function stemsOf(pattern: string): string[] | undefined {
  const variants = expandRegex(pattern);
  if (!variants) return undefined;
  const stems: string[] = [];
  for (const v of variants) {
    const runs = v.split(/[^a-z0-9]+/).filter(Boolean);
    const longest = runs.sort((a, b) => b.length - a.length)[0];
    if (!longest || longest.length < 3) return undefined;
    stems.push(longest);
  }
  return stems;
}

/**
 * Builds the prefilter from every code-fact signal in the rubric (context signals included).
 * With `tests`, from the signals that count facts in test files only (their `roles` list
 * `test`), and the text is also read without whitespace: a test title's words are separate in
 * the text, and fact values are matched with their whitespace removed (`normalize`).
 */
export function buildPrefilter(rubric: Rubric, opts: { tests?: boolean } = {}): Prefilter {
  const stems = new Set<string>();
  let always = false;
  // the kinds of the signals taken (for tests: titles alone when only `test` facts count)
  const kinds = new Set<string>();
  // tool definitions are found by shape (name + description + schema), not by a stem
  let toolShape = !opts.tests;
  const add = (sig: Signal) => {
    if (!sig.kinds.some((k) => CODE_KINDS.has(k))) return;
    if (opts.tests && !sig.roles.includes('test')) return;
    if (sig.kinds.includes('tooldef')) toolShape = true;
    for (const k of sig.kinds) kinds.add(k);
    if (sig.pattern) {
      const s = stemsOf(sig.pattern);
      if (!s) always = true;
      else s.forEach((x) => stems.add(x));
    }
    for (const phrase of sig.words ?? []) {
      const stem = phraseStem(phrase);
      if (!stem) always = true;
      else stems.add(stem);
    }
  };
  for (const c of rubric.context) c.signals.forEach(add);
  for (const l of Object.values(rubric.landmarks)) l.signals.forEach(add);
  for (const p of rubric.primitives) for (const c of p.criteria) c.signals.forEach(add);
  // keep only minimal stems: containing a shorter stem adds nothing
  const sorted = [...stems].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const minimal: string[] = [];
  for (const s of sorted) if (!minimal.some((m) => s.includes(m))) minimal.push(s);
  const re = new RegExp(minimal.map(escapeRegExp).join('|'));
  const titlesOnly = !!opts.tests && [...kinds].every((k) => k === 'test');
  return {
    titlesOnly,
    source: `${opts.tests ? (titlesOnly ? 'titles:' : 'tests:') : ''}${always ? 'always' : minimal.join('|')}`,
    // TypeScript's `readonly` modifier is syntax, not a name: drop it before matching
    test: (text, language) => {
      if (always || (toolShape && text.includes('description') && TOOL_SHAPE_TEXT.test(text))) return true;
      if (!minimal.length) return false;
      const title = titlesOnly && language ? TITLE[language] : undefined;
      if (title) {
        // only test titles can hold such a fact: look at the candidates alone
        for (const m of text.matchAll(title)) {
          const v = m.slice(1).find((x) => x !== undefined);
          if (v && re.test(v.toLowerCase().replace(SEPARATORS_AND_SPACES, ''))) return true;
        }
        return false;
      }
      // Rust paths (a::b) read as a.b, like the call facts of every front end
      let t = text.toLowerCase().replace(opts.tests ? SEPARATORS_AND_SPACES : SEPARATORS, '');
      if (t.includes('::')) t = t.replace(PATH_SEPARATOR, '.');
      if (t.includes('readonly')) t = t.replace(READONLY_MODIFIER, '');
      return re.test(t);
    },
  };
}

/**
 * Where a test title can be, per language: a superset of the `test` facts of each front end.
 * TypeScript/JavaScript: a string literal right after `it(`, `test(`, `describe(` (`.only`,
 * `.each`) or after `)(` (`it.each(table)('title')`); Python: a `def` or `class` name; Go: a
 * `func` name; Rust: an `fn` name.
 */
const TS_TITLE = /(?:\b(?:it|test|describe)(?:\s*\.\s*(?:only|each))?|\))\s*\(\s*(?:'((?:[^'\\\n]|\\[\s\S])*)'|"((?:[^"\\\n]|\\[\s\S])*)"|`((?:[^`\\]|\\[\s\S])*)`)/g;
const TITLE: Record<string, RegExp> = {
  typescript: TS_TITLE,
  javascript: TS_TITLE,
  python: /\b(?:def|class)\s+(\w+)/g,
  go: /\bfunc\s+(?:\([^)]*\)\s*)?(\w+)/g,
  rust: /\bfn\s+(\w+)/g,
};

const SEPARATORS = /[_-]/g;
const SEPARATORS_AND_SPACES = /[_\-\s]/g;
const PATH_SEPARATOR = /::/g;
const READONLY_MODIFIER = /\breadonly\s+(?=[a-z_$[])/g;
