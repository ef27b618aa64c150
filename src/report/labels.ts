import type { SkipCounts } from '../scan/scan.js';

/** Words for each skip reason, as reports print them ("3 too large", "1 not UTF-8"). */
export const SKIP_LABEL: Record<keyof SkipCounts, string> = {
  excluded: 'excluded',
  tooLarge: 'too large',
  binary: 'binary',
  nonUtf8: 'not UTF-8',
  symlink: 'symlinks',
  unreadable: 'unreadable',
  empty: 'empty',
};

/** `1 file`, `3 files`: a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The header line naming a rubric that is not the bundled one, or '' for the bundled rubric.
 * @param r the report's `rubric` section
 */
export function rubricNote(r: { id: string; custom?: { file: string; inTarget: boolean } }): string {
  if (!r.custom) return '';
  return `Rubric: ${r.custom.file}${r.custom.inTarget ? ' from the audited repository' : ''} (id ${r.id}), not the bundled rubrics/core.yaml.`;
}

/** Judge review note of an extended check: never sent (the judge reviews the 12 core primitives, PRIMITIVES.md). */
export const EXTENDED_NOT_SENT = 'extended check: the judge reviews the 12 core primitives only';
