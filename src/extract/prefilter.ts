import type { Rubric, Signal } from '../rubric/schema.js';
import { phraseStem } from '../rubric/words.js';
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
  /** True when the text may hold a fact some signal matches. */
  test(text: string): boolean;
  /** Stable id of the prefilter (part of the facts cache key). */
  source: string;
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

/** Builds the prefilter from every code-fact signal in the rubric (context signals included). */
export function buildPrefilter(rubric: Rubric): Prefilter {
  const stems = new Set<string>();
  let always = false;
  const add = (sig: Signal) => {
    if (!sig.kinds.some((k) => CODE_KINDS.has(k))) return;
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
  const re = new RegExp(minimal.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  return {
    source: always ? 'always' : minimal.join('|'),
    // TypeScript's `readonly` modifier is syntax, not a name: drop it before matching
    test: (text) => {
      if (always || (text.includes('description') && TOOL_SHAPE_TEXT.test(text))) return true;
      // Rust paths (a::b) read as a.b, like the call facts of every front end
      let t = text.toLowerCase().replace(SEPARATORS, '');
      if (t.includes('::')) t = t.replace(PATH_SEPARATOR, '.');
      if (t.includes('readonly')) t = t.replace(READONLY_MODIFIER, '');
      return re.test(t);
    },
  };
}

const SEPARATORS = /[_-]/g;
const PATH_SEPARATOR = /::/g;
const READONLY_MODIFIER = /\breadonly\s+(?=[a-z_$[])/g;
