import type { FactKind } from '../rubric/schema.js';

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
  /** `plumbline-ignore <primitive-id> -- <reason>` comments: primitive id, reason ('' when missing), line. */
  suppress?: Array<{ id: string; reason: string; line: number }>;
}

/** Collects facts with per-file de-duplication (same kind, value and line once). */
export class FactSink {
  readonly facts: Fact[] = [];
  private readonly seen = new Set<string>();
  testRegion = false;

  add(k: FactKind, v: string, l: number): void {
    if (!v || v.length > 160) return;
    const key = `${k}\0${v}\0${l}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.facts.push(this.testRegion ? { k, v, l, t: 1 } : { k, v, l });
  }
}
