import type { FactKind, Language, Role, Signal } from '../rubric/schema.js';
import type { AnalyzedFile } from '../extract/index.js';
import { normalize } from '../extract/prefilter.js';
import { phrasesRegex, wordsOf } from '../rubric/words.js';

/**
 * Signal matching shared by the detect stage and the harness model's landmarks: a fact matches
 * a signal when its kind is listed, the file's role is listed (facts in a test region count as
 * role `test`), the language is allowed, and its words match a phrase of `words` (or its
 * normalized value matches `pattern`) and none of `notWords` / `exclude`.
 */
export interface CompiledSignal {
  /** Primitive id, `context`, or `landmark`. */
  owner: string;
  /** Criterion (or context flag, or landmark) id. */
  criterion: string;
  signal: Signal;
  words?: RegExp;
  notWords?: RegExp;
  re?: RegExp;
  exclude?: RegExp;
  roles: Set<Role>;
  langs?: Set<Language>;
}

/** A fact that matched a signal, before weighting. */
export interface RawHit {
  sig: CompiledSignal;
  file: AnalyzedFile;
  line: number;
  value: string;
  kind: FactKind;
  /** The fact sits in a test region of a source file. */
  testRegion: boolean;
}

/** Compiles one signal (regexes built once). */
export function compileSignal(owner: string, criterion: string, s: Signal): CompiledSignal {
  return {
    owner, criterion, signal: s,
    words: s.words ? phrasesRegex(s.words) : undefined,
    notWords: s.notWords ? phrasesRegex(s.notWords) : undefined,
    re: s.pattern ? new RegExp(s.pattern) : undefined,
    exclude: s.exclude ? new RegExp(s.exclude) : undefined,
    roles: new Set(s.roles), langs: s.languages ? new Set(s.languages) : undefined,
  };
}

function accepts(sig: CompiledSignal, file: AnalyzedFile, inTestRegion: boolean): boolean {
  const role: Role = inTestRegion ? 'test' : file.role;
  if (!sig.roles.has(role)) return false;
  if (sig.langs && !sig.langs.has(file.language)) return false;
  return true;
}

function matchesValue(sig: CompiledSignal, norm: () => string, words: () => string): boolean {
  const hit = (sig.words && sig.words.test(words())) || (sig.re && sig.re.test(norm()));
  if (!hit) return false;
  if (sig.notWords && sig.notWords.test(words())) return false;
  if (sig.exclude && sig.exclude.test(norm())) return false;
  return true;
}

interface KindIndex {
  list: CompiledSignal[];
  /** Any-signal prefilters: one alternation of every pattern, one of every phrase. */
  anyPattern?: RegExp;
  anyWords?: RegExp;
}

/**
 * Runs every signal over every fact of the files (and `path` signals over the file paths).
 * Per fact kind, one alternation of all patterns and one of all phrases reject most facts
 * before the signals are tried one by one.
 */
export function matchSignals(signals: CompiledSignal[], files: AnalyzedFile[]): RawHit[] {
  const byKind = new Map<FactKind, KindIndex>();
  for (const s of signals) {
    for (const k of s.signal.kinds) {
      const e = byKind.get(k) ?? { list: [] };
      e.list.push(s);
      byKind.set(k, e);
    }
  }
  for (const e of byKind.values()) {
    const pats = e.list.filter((s) => s.signal.pattern).map((s) => `(?:${s.signal.pattern})`);
    if (pats.length) e.anyPattern = new RegExp(pats.join('|'));
    const phrases = e.list.flatMap((s) => s.signal.words ?? []);
    if (phrases.length) e.anyWords = phrasesRegex(phrases);
  }
  const hits: RawHit[] = [];
  const pathSigs = byKind.get('path');
  for (const file of files) {
    if (pathSigs) scan(pathSigs, file, 'path', file.path, 1, false, hits);
    for (const fact of file.facts.facts) {
      const e = byKind.get(fact.k);
      if (e) scan(e, file, fact.k, fact.v, fact.l, fact.t === 1, hits);
    }
  }
  return hits;
}

function scan(e: KindIndex, file: AnalyzedFile, kind: FactKind, value: string, line: number, testRegion: boolean, hits: RawHit[]): void {
  let n: string | undefined;
  let w: string | undefined;
  const norm = () => (n ??= normalize(value));
  const words = () => (w ??= wordsOf(value));
  if (!((e.anyWords && e.anyWords.test(words())) || (e.anyPattern && e.anyPattern.test(norm())))) return;
  for (const sig of e.list) {
    if (accepts(sig, file, testRegion) && matchesValue(sig, norm, words)) hits.push({ sig, file, line, value, kind, testRegion });
  }
}
