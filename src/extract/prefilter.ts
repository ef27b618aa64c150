import type { Rubric } from '../rubric/schema.js';

/**
 * The rubric prefilter (STYLE.md speed habits): a TypeScript/JavaScript file gets the full
 * syntax-level front end only when its normalized text could satisfy at least one code signal.
 * Built from the rubric's own signal patterns (anchors dropped, so the test is a superset);
 * other files only get an import scan for reachability.
 */
export interface Prefilter {
  /** True when the text may hold a fact some signal matches. */
  test(text: string): boolean;
  /** Stable id of the prefilter (part of the facts cache key). */
  source: string;
}

const CODE_KINDS = new Set(['decl', 'member', 'call', 'string', 'key', 'tooldef', 'union', 'test']);

/** Normalizes text the way fact values are normalized before signal matching. */
export function normalize(s: string): string {
  return s.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Builds the prefilter from every code-fact signal in the rubric (context signals included). */
export function buildPrefilter(rubric: Rubric): Prefilter {
  const parts = new Set<string>();
  const add = (kinds: string[], pattern: string) => {
    if (!kinds.some((k) => CODE_KINDS.has(k))) return;
    parts.add(pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '').replace(/\(\?<?[=!][^)]*\)/g, ''));
  };
  for (const c of rubric.context) for (const s of c.signals) add(s.kinds, s.pattern);
  for (const p of rubric.primitives) for (const c of p.criteria) for (const s of c.signals) add(s.kinds, s.pattern);
  parts.add('tooldef-shape'); // placeholder so the source changes when tool-def detection does
  const source = [...parts].sort().join('|');
  const re = new RegExp(`(?:${[...parts].filter((p) => p !== 'tooldef-shape').join(')|(?:')})`);
  // tool definitions are detected structurally (name + description + schema keys)
  const toolShape = /\bdescription\b[\s\S]{0,400}\b(parameters|input_?[sS]chema|schema)\b|\b(parameters|input_?[sS]chema)\b[\s\S]{0,400}\bdescription\b/;
  return {
    source,
    test: (text) => toolShape.test(text) || re.test(normalize(text)),
  };
}
