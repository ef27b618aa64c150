import type { FactKind } from '../rubric/schema.js';
import type { WiredFacts } from './wired-facts.js';

/**
 * A syntax-level fact about one file, emitted by a language front end (src/extract/*).
 * Compact field names because facts are cached per content hash.
 * - `k`: kind (see FactKindSchema in src/rubric/schema.ts)
 * - `v`: the raw value (a name, callee path, module specifier, literal...)
 * - `l`: 1-based line
 * - `t`: 1 when the fact sits in a test region of a source file (e.g. Rust `#[cfg(test)] mod tests`)
 */
export interface Fact {
  k: FactKind;
  v: string;
  l: number;
  t?: 1;
}

/**
 * Everything a front end knows about a file. `parsed` says whether the full front end ran
 * (TypeScript files that fail the rubric prefilter only get their imports).
 */
export interface FileFacts {
  facts: Fact[];
  /** Module references used for reachability: relative paths, package names, Rust `mod` names. */
  imports: string[];
  /** True when the file is an entry point by its content (`__main__` guard, `package main`, `fn main`). */
  entry?: boolean;
  parsed: boolean;
  /**
   * Declarations with their spans (functions, methods, closures assigned to names, classes),
   * in source order. The harness model (src/model) finds each call's enclosing declaration from
   * these spans; no syntax tree is kept.
   */
  decls?: DeclSpan[];
  /** `plumbline-ignore <primitive-id> -- <reason>` comments: primitive id, reason ('' when missing), line. */
  suppress?: Array<{ id: string; reason: string; line: number }>;
  /**
   * What the wired-in check reads of a product code file (src/extract/wired-facts.ts), recorded
   * when the extract plan has a fact filter; absent otherwise (the check then reads the text).
   * Issue 16.
   */
  wired?: WiredFacts;
  /**
   * Which signals each fact's value passes, from the fact filter's signal index
   * (`FactFilter.signalsOf`): `[fact index, position in the kind's signal list...]` for the facts
   * some signal's value test passes, none for the others; absent when no fact filter was used.
   * Issue 16.
   */
  sigs?: Array<number[]>;
}

/**
 * A declaration's span, compact because it is cached with the facts.
 * - `n`: name; `k`: `f` function or closure assigned to a name, `m` method (or a function-valued
 *   property of an object literal), `c` class / struct / impl / interface (a container);
 * - `s`, `e`: first and last line (1-based, inclusive); `c`: container name for methods;
 * - `loop`: 1 when the body has a loop statement of its own (for / while / loop), not counting
 *   nested declarations; `t`: 1 in a test region.
 */
export interface DeclSpan {
  n: string;
  k: 'f' | 'm' | 'c';
  s: number;
  e: number;
  c?: string;
  loop?: 1;
  t?: 1;
}

/**
 * Collects facts with per-file de-duplication (same kind, value and line once). With a `keep`
 * filter (src/extract/keep.ts) only the facts a later stage can read are kept; front ends ask
 * `wants` first so that a dropped fact costs no line lookup. Kept values are copied out of the
 * file text: V8 substrings are slices that would keep the whole text alive.
 */
export class FactSink {
  readonly facts: Fact[] = [];
  private readonly seen = new Set<string>();
  testRegion = false;

  constructor(private readonly keep?: (k: FactKind, v: string, testRegion: boolean) => boolean) {}

  /** True when a fact of this kind and value would be kept (non-empty, at most 160 chars, passes the filter). */
  wants(k: FactKind, v: string): boolean {
    return !!v && v.length <= 160 && (!this.keep || this.keep(k, v, this.testRegion));
  }

  /** Adds a fact when `wants` says so. */
  add(k: FactKind, v: string, l: number): void {
    if (this.wants(k, v)) this.push(k, v, l);
  }

  /** Adds a fact the caller has already checked with `wants`. */
  push(k: FactKind, v: string, l: number): void {
    const key = `${k}\0${v}\0${l}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const own = flat(v);
    this.facts.push(this.testRegion ? { k, v: own, l, t: 1 } : { k, v: own, l });
  }
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. Short strings (under 13
 * characters) are always copied by V8. A longer one is joined from its two halves: the join is
 * a cons string, which `charCodeAt` flattens into one fresh buffer of exactly its characters
 * (the halves, slices of the original, become garbage), and the garbage collector then replaces
 * every reference to the flattened cons string by that buffer.
 *
 * Issue 16: the copy used to be `(' ' + s).slice(1)`, which V8 turns into a sliced string (a
 * 32-byte header) over a fresh buffer one character longer; about 150k such values (fact
 * values, the signal index's keys, evidence lines) stayed alive on /tmp/trio, 4.7 MB of
 * headers alone. At worst (a collection that does not short-cut the cons string) the copy
 * costs what the old one did.
 */
export function flat(s: string): string {
  if (s.length < 13) return s;
  const half = s.length >> 1;
  const out = s.slice(0, half) + s.slice(half);
  out.charCodeAt(0);
  return out;
}
