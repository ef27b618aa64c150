import type { FactKind, Language, Role, Signal } from '../rubric/schema.js';
import type { AnalyzedFile } from '../extract/index.js';
import { normalize, stemsOf } from '../extract/prefilter.js';
import { escapeRegExp, phraseSource, phrasesRegex, wordsOf } from '../rubric/words.js';
import { flat } from '../extract/types.js';

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

/** Compiled signals by rubric signal object and owner: compiling the same signal twice gives the same object. */
const COMPILED = new WeakMap<Signal, Map<string, CompiledSignal>>();

/** Compiles one signal (regexes built once; the same signal and owner give the same object). */
export function compileSignal(owner: string, criterion: string, s: Signal): CompiledSignal {
  const key = `${owner}\0${criterion}`;
  let byOwner = COMPILED.get(s);
  const known = byOwner?.get(key);
  if (known) return known;
  const out: CompiledSignal = {
    owner, criterion, signal: s,
    words: s.words ? phrasesRegex(s.words) : undefined,
    notWords: s.notWords ? phrasesRegex(s.notWords) : undefined,
    re: s.pattern ? new RegExp(s.pattern) : undefined,
    exclude: s.exclude ? new RegExp(s.exclude) : undefined,
    roles: new Set(s.roles), langs: s.languages ? new Set(s.languages) : undefined,
  };
  if (!byOwner) COMPILED.set(s, (byOwner = new Map()));
  byOwner.set(key, out);
  return out;
}

function accepts(sig: CompiledSignal, file: AnalyzedFile, inTestRegion: boolean): boolean {
  return acceptsPlace(sig, inTestRegion ? 'test' : file.role, file.language);
}

/** True when the signal counts facts in files of this role and language. */
export function acceptsPlace(sig: CompiledSignal, role: Role, language: Language): boolean {
  if (!sig.roles.has(role)) return false;
  if (sig.langs && !sig.langs.has(language)) return false;
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
  /** Any-signal prefilter of the patterns: one alternation of every pattern. */
  anyPattern?: RegExp;
  /** value -> the signals whose value test it passes (role and language not checked yet). */
  memo: Map<string, CompiledSignal[]>;
  /** The signals whose phrases can match a value holding a word (see `PhraseIndex`). */
  phrases?: PhraseIndex;
  /** A gate that rejects most values before the pattern alternation runs (see `stemGateOf`). */
  stemGate?: RegExp | 'always';
  /** Answers seeded by `prime`, by their positions (`1,4`): one array per distinct answer. */
  primed?: Map<string, CompiledSignal[]>;
}

/**
 * Signals by a necessary word of their phrases: every phrase has a literal word that must be one
 * of the value's words (`exact`), or begin one (`prefixes`, by prefix length); a phrase without a
 * literal word puts its signal in `always`. A value's words then name the few signals whose
 * phrase regexes can match it, instead of one alternation of every phrase tried at every
 * position of the value (that alternation was most of the model and detect stages' time).
 */
interface PhraseIndex {
  /** Positions in the kind's signal list, by necessary word / by prefix length and prefix. */
  exact: Map<string, number[]>;
  prefixes: Array<[number, Map<string, number[]>]>;
  always: number[];
  /**
   * A necessary condition on the raw value, tested before its words are computed: some necessary
   * word (or prefix) occurs in it, case-insensitively. Every word of `wordsOf(value)` is a run of
   * ASCII letters and digits of the value, lowercased, so a value that holds none of them cannot
   * stamp a signal. Undefined when some phrase has no literal word (`always`). Issue 16: about
   * 95% of distinct fact values match no signal, and their words were most of the matching cost.
   */
  gate?: RegExp;
  /** `stamp[i] === gen`: signal `i` may match the value being tested (no set per value). */
  stamp: Int32Array;
  gen: number;
}

function phraseIndexOf(signals: CompiledSignal[]): PhraseIndex | undefined {
  const exact = new Map<string, number[]>();
  const prefixes = new Map<number, Map<string, number[]>>();
  const always: number[] = [];
  let any = false;
  const add = <K>(m: Map<K, number[]>, k: K, at: number) => {
    const list = m.get(k) ?? m.set(k, []).get(k)!;
    if (list[list.length - 1] !== at) list.push(at);
  };
  signals.forEach((sig, at) => {
    for (const phrase of sig.signal.words ?? []) {
      any = true;
      const literal = phrase.trim().split(/\s+/).filter((t) => t !== '^' && t !== '$' && t !== '?' && t !== '.' && t !== '*');
      const key = literal.sort((a, b) => b.replace('*', '').length - a.replace('*', '').length)[0];
      if (!key) always.push(at);
      else if (key.endsWith('*')) {
        const pre = key.slice(0, -1).toLowerCase();
        if (!pre) always.push(at);
        else add(prefixes.get(pre.length) ?? prefixes.set(pre.length, new Map()).get(pre.length)!, pre, at);
      } else add(exact, key.toLowerCase(), at);
    }
  });
  if (!any) return undefined;
  const keys = [...exact.keys(), ...[...prefixes.values()].flatMap((m) => [...m.keys()])];
  const gate = always.length ? undefined : new RegExp(keys.map(escapeRegExp).join('|'), 'i');
  return { exact, prefixes: [...prefixes], always, gate, stamp: new Int32Array(signals.length), gen: 0 };
}

/**
 * Stamps the signals whose phrases may match a value with these words (a superset of those that
 * do) with a new generation; false when there is none.
 */
function stampPhraseSignals(index: PhraseIndex, words: string): boolean {
  const gen = ++index.gen;
  const stamp = index.stamp;
  let any = false;
  for (const at of index.always) {
    stamp[at] = gen;
    any = true;
  }
  let from = 0;
  while (from <= words.length) {
    let to = words.indexOf(' ', from);
    if (to < 0) to = words.length;
    const w = words.slice(from, to);
    from = to + 1;
    const e = index.exact.get(w);
    if (e) {
      for (const at of e) stamp[at] = gen;
      any = true;
    }
    for (const [len, m] of index.prefixes) {
      if (w.length < len) continue;
      const p = m.get(len === w.length ? w : w.slice(0, len));
      if (p) {
        for (const at of p) stamp[at] = gen;
        any = true;
      }
    }
  }
  return any;
}

/** A necessary condition for a pattern alternation: the normalized value holds a stem of some pattern. */
function stemGateOf(patterns: string[]): RegExp | 'always' {
  const stems = new Set<string>();
  for (const p of patterns) {
    const s = stemsOf(p);
    if (!s) return 'always';
    s.forEach((x) => stems.add(x));
  }
  return new RegExp([...stems].map(escapeRegExp).join('|'));
}

const NONE: CompiledSignal[] = [];

/**
 * Signals indexed by fact kind, with the value test memoized per distinct value: a value's
 * words and normalized form are computed once however many facts repeat it (a codebase repeats
 * most callee paths, keys and strings many times).
 */
export class SignalIndex {
  private readonly byKind = new Map<FactKind, KindIndex>();
  /** The signals indexed. */
  readonly members: Set<CompiledSignal>;
  /** The index whose memo later matching reuses (see `share`). */
  private static shared: SignalIndex | undefined;

  /**
   * Makes `index` the one that `matchSignals` answers from whenever its signals are all members:
   * the extract stage's fact filter indexes every signal of the rubric, so the harness model and
   * the detect stage test no value a second time.
   */
  static share(index: SignalIndex | undefined): void {
    SignalIndex.shared = index;
  }

  /** The shared index when it holds every one of `signals`. */
  static sharedFor(signals: CompiledSignal[]): SignalIndex | undefined {
    const s = SignalIndex.shared;
    return s && signals.every((sig) => s.members.has(sig)) ? s : undefined;
  }

  constructor(signals: CompiledSignal[]) {
    this.members = new Set(signals);
    for (const s of signals) {
      for (const k of s.signal.kinds) {
        const e: KindIndex = this.byKind.get(k) ?? { list: [], memo: new Map() };
        e.list.push(s);
        this.byKind.set(k, e);
      }
    }
    for (const e of this.byKind.values()) {
      const pats = e.list.filter((s) => s.signal.pattern).map((s) => s.signal.pattern!);
      if (pats.length) {
        e.anyPattern = new RegExp(pats.map((p) => `(?:${p})`).join('|'));
        e.stemGate = stemGateOf(pats);
      }
      e.phrases = phraseIndexOf(e.list);
    }
  }

  /**
   * Where the signals `candidates` gives for this value sit in the kind's signal list (ascending),
   * for a cache of the answer (see `prime`). Issue 16.
   */
  positions(kind: FactKind, value: string): number[] {
    const c = this.candidates(kind, value);
    if (!c.length) return [];
    const e = this.byKind.get(kind)!;
    return c.map((sig) => e.list.indexOf(sig));
  }

  /**
   * Seeds the memo of `candidates` with an answer `positions` gave by an index of the same
   * signals (the facts cache keeps it per fact: a re-run does not test the values of unchanged
   * files again). A value already tested is left alone. Equal answers share one array. Issue 16.
   */
  prime(kind: FactKind, value: string, positions: number[]): void {
    const e = this.byKind.get(kind);
    if (!e || e.memo.has(value)) return;
    if (!positions.length) {
      e.memo.set(value, NONE);
      return;
    }
    const key = positions.join(',');
    let list = e.primed?.get(key);
    if (!list) (e.primed ??= new Map()).set(key, (list = positions.map((p) => e.list[p]!)));
    e.memo.set(value, list);
  }

  /** True when some signal takes facts of this kind. */
  hasKind(kind: FactKind): boolean {
    return this.byKind.has(kind);
  }

  /**
   * The signals of `kind` whose value test `value` passes, in rubric order (roles and languages
   * not checked). The memo keys a copy of a new value (`flat`: a value cut from a file text would
   * keep the whole text alive) unless `owned` says the value is a string of its own, such as a
   * fact's value (`FactSink` copies them); then the value itself is the key (issue 16: the harness
   * model and the detect stage test about 60k values on /tmp/trio that the facts already hold).
   */
  candidates(kind: FactKind, value: string, owned = false): CompiledSignal[] {
    const e = this.byKind.get(kind);
    if (!e) return NONE;
    let out = e.memo.get(value);
    if (out) return out;
    let n: string | undefined;
    let w: string | undefined;
    const norm = () => (n ??= normalize(value));
    const words = () => (w ??= wordsOf(value));
    // the signals a phrase may match (stamped), then (when any pattern may match) every signal with a pattern
    const ph = e.phrases;
    const byWords = !!ph && (!ph.gate || ph.gate.test(value)) && stampPhraseSignals(ph, words());
    const byPattern = !!e.anyPattern && (e.stemGate === 'always' || e.stemGate!.test(norm())) && e.anyPattern.test(norm());
    if (!byWords && !byPattern) out = NONE;
    else {
      const gen = ph?.gen ?? -1;
      out = [];
      for (let i = 0; i < e.list.length; i++) {
        const sig = e.list[i]!;
        if (((byWords && ph!.stamp[i] === gen) || (byPattern && sig.re)) && matchesValue(sig, norm, words)) out.push(sig);
      }
      if (!out.length) out = NONE;
    }
    e.memo.set(owned ? value : flat(value), out);
    return out;
  }
}

/**
 * Runs every signal over every fact of the files (and `path` signals over the file paths).
 * Per fact kind, one alternation of all patterns and one of all phrases reject most facts
 * before the signals are tried one by one; each distinct value is tested once.
 */
export function matchSignals(signals: CompiledSignal[], files: AnalyzedFile[]): RawHit[] {
  const shared = SignalIndex.sharedFor(signals);
  let candidates: (kind: FactKind, value: string) => CompiledSignal[];
  if (shared) {
    // the shared index's answer, narrowed to these signals (once per distinct answer)
    const mine = new Set(signals);
    const narrowed = new Map<CompiledSignal[], CompiledSignal[]>();
    candidates = (kind, value) => {
      const all = shared.candidates(kind, value, true);
      if (!all.length) return all;
      let out = narrowed.get(all);
      if (!out) narrowed.set(all, (out = all.filter((sig) => mine.has(sig))));
      return out;
    };
  } else {
    const index = new SignalIndex(signals);
    candidates = (kind, value) => index.candidates(kind, value, true);
  }
  // fact values and paths are strings of their own (see `candidates`)
  const hits: RawHit[] = [];
  const pathKind = signals.some((s) => s.signal.kinds.includes('path'));
  for (const file of files) {
    if (pathKind) scan(candidates('path', file.path), file, 'path', file.path, 1, false, hits);
    for (const fact of file.facts.facts) {
      const c = candidates(fact.k, fact.v);
      if (c.length) scan(c, file, fact.k, fact.v, fact.l, fact.t === 1, hits);
    }
  }
  return hits;
}

function scan(list: CompiledSignal[], file: AnalyzedFile, kind: FactKind, value: string, line: number, testRegion: boolean, hits: RawHit[]): void {
  for (const sig of list) {
    if (accepts(sig, file, testRegion)) hits.push({ sig, file, line, value, kind, testRegion });
  }
}

/**
 * How specific the match of `value` is: the most literal words of a phrase of the signal that
 * matches it (`input tokens $` = 2 beats `usage $` = 1), capped at 2; 1 for pattern signals.
 * A name that spells out the mechanism is read before one that merely contains its word.
 */
export function phraseSpecificity(sig: CompiledSignal, value: string): number {
  const phrases = sig.signal.words;
  if (!phrases || phrases.length === 0) return 1;
  let compiled = SPEC_PHRASES.get(sig);
  if (!compiled) {
    compiled = { phrases: phrases.map((p) => ({ re: new RegExp(phraseSource(p)), n: p.split(/\s+/).filter((w) => /[a-z0-9]/i.test(w)).length })), memo: new Map() };
    SPEC_PHRASES.set(sig, compiled);
  }
  // memoized per value (issue 16: the same callee path or name is weighed for many hits)
  const known = compiled.memo.get(value);
  if (known !== undefined) return known;
  const words = wordsOf(value);
  let best = 0;
  for (const { re, n } of compiled.phrases) if (n > best && re.test(words)) best = n;
  const out = Math.min(2, Math.max(1, best));
  // bounded: the rubric's compiled signals outlive a run in a long-lived process (the MCP server)
  if (compiled.memo.size >= MAX_SPEC_MEMO) compiled.memo.clear();
  compiled.memo.set(flat(value), out);
  return out;
}
const MAX_SPEC_MEMO = 20_000;
const SPEC_PHRASES = new WeakMap<CompiledSignal, { phrases: Array<{ re: RegExp; n: number }>; memo: Map<string, number> }>();
