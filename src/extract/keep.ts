import type { FactKind, Language, Role, Rubric } from '../rubric/schema.js';
import { acceptsPlace, compileSignal, SignalIndex, type CompiledSignal } from '../detect/match.js';
import { sha256 } from '../util/fs.js';
import { flat, type Fact, type FileFacts } from './types.js';
import type { Prefilter } from './prefilter.js';

/**
 * Which facts are worth keeping (issue 16): in real agent repositories about 98% of the facts a
 * front end sees match no signal, yet they were kept in memory, in the facts cache and walked by
 * every later stage. A fact is kept when a later stage can read it:
 * - some rubric signal (context, landmark or criterion) takes its kind in the file's role and
 *   language and its value passes that signal's value test (what `matchSignals` would hit);
 * - a `call` or `decl` fact of product code outside test regions: the harness model's call
 *   graph resolves every call, and the wired-in check reads a file's own declarations;
 * - a dotted-module string of a Python file (reachability reads dynamic imports from them).
 * The value test is memoized per distinct value (src/detect/match.ts).
 */
export interface FactFilter {
  /** Stable id of the filter (part of the facts cache key): a hash of every signal. */
  source: string;
  /** The keep test for one file; `testRegion` is the sink's state (Rust `#[cfg(test)]` code). */
  forFile(role: Role, language: Language): KeepFn;
  /** True when some signal takes code facts (anything but paths and config text) in files of this role. */
  takesCode(role: Role): boolean;
  /**
   * The signals each fact's value passes (`SignalIndex.positions`), sparse: `[fact index,
   * position...]` for the facts some signal's value test passes. Kept with the facts
   * (`FileFacts.sigs`) so that a re-run seeds the signal index instead of testing the values of
   * unchanged files again (`prime`). Issue 16.
   */
  signalsOf(facts: Fact[]): Array<number[]>;
  /** Seeds the shared signal index with a file's `sigs` (no-op without them). */
  prime(facts: FileFacts): void;
}

/** Keep test for one fact of one file. */
export type KeepFn = (k: FactKind, v: string, testRegion: boolean) => boolean;

const DOTTED_MODULE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*){2,}$/;

/** Every signal of the rubric, compiled: context flags, landmarks and criteria. */
export function allSignals(rubric: Rubric): CompiledSignal[] {
  const out: CompiledSignal[] = [];
  for (const c of rubric.context) for (const s of c.signals) out.push(compileSignal('context', c.id, s));
  for (const [id, l] of Object.entries(rubric.landmarks)) for (const s of l.signals) out.push(compileSignal('landmark', id, s));
  for (const p of rubric.primitives) for (const c of p.criteria) for (const s of c.signals) out.push(compileSignal(p.id, c.id, s));
  return out;
}

/**
 * The name test of the wired-in records (src/extract/wired-facts.ts): the rubric prefilter's stem
 * test on the identifier alone (a superset test for fact values without whitespace, so every
 * signal-matched declared name passes it; it rejects about 70% of a codebase's identifiers).
 * Signal matching itself is not asked: testing every identifier of every product file cost more
 * on a cold run than the larger records cost a re-run. One memoized function per prefilter, so
 * the extract stage and the detect stage ask the same test (which names a record covers is
 * whatever this says: the detect stage reads the text for any other name, so the answers stay
 * exact whatever the test). Issue 16.
 */
export function nameTest(prefilter: Prefilter): (name: string) => boolean {
  let fn = NAME_TESTS.get(prefilter);
  if (fn) return fn;
  const memo = new Map<string, boolean>();
  fn = (name) => {
    let v = memo.get(name);
    if (v === undefined) memo.set(flat(name), (v = prefilter.test(name)));
    return v;
  };
  NAME_TESTS.set(prefilter, fn);
  return fn;
}
const NAME_TESTS = new WeakMap<Prefilter, (name: string) => boolean>();

/** Builds the fact filter from the rubric's signals. */
export function buildFactFilter(rubric: Rubric): FactFilter {
  const signals = allSignals(rubric);
  const index = new SignalIndex(signals);
  // the model and the detect stage answer from this index's memo (same signals, same objects)
  SignalIndex.share(index);
  const kindSets = new Map<string, Set<FactKind>>();
  const source = sha256(JSON.stringify([rubric.context, rubric.landmarks, rubric.primitives.map((p) => p.criteria)]));
  const codeRoles = new Set<Role>();
  for (const sig of signals) if (sig.signal.kinds.some((k) => k !== 'path' && k !== 'text')) sig.roles.forEach((r) => codeRoles.add(r));
  return {
    source,
    takesCode: (role) => codeRoles.has(role),
    signalsOf(facts) {
      const out: Array<number[]> = [];
      facts.forEach((f, i) => {
        const p = index.positions(f.k, f.v);
        if (p.length) out.push([i, ...p]);
      });
      return out;
    },
    prime(ff) {
      if (!ff.sigs) return;
      const at = new Map<number, number[]>();
      for (const [i, ...p] of ff.sigs) at.set(i!, p);
      ff.facts.forEach((f, i) => index.prime(f.k, f.v, at.get(i) ?? []));
    },
    forFile(role, language) {
      const product = role === 'source';
      const python = language === 'python';
      // the kinds some signal takes in this file's role (and in a test region of it)
      const kindsIn = (r: Role) => {
        const key = `${r}\0${language}`;
        let set = kindSets.get(key);
        if (!set) kindSets.set(key, (set = new Set(signals.filter((sig) => acceptsPlace(sig, r, language)).flatMap((sig) => sig.signal.kinds))));
        return set;
      };
      const kinds = kindsIn(role);
      const testKinds = role === 'test' ? kinds : kindsIn('test');
      return (k, v, testRegion) => {
        if (product && !testRegion && (k === 'call' || k === 'decl')) return true;
        if (python && k === 'string' && DOTTED_MODULE.test(v)) return true;
        if (!(testRegion ? testKinds : kinds).has(k)) return false;
        const c = index.candidates(k, v);
        if (!c.length) return false;
        const r: Role = testRegion ? 'test' : role;
        for (const sig of c) if (acceptsPlace(sig, r, language)) return true;
        return false;
      };
    },
  };
}
