import type { Primitive, Rubric } from './schema.js';

/**
 * The rubric with the extended checks and every framework profile's signals folded into
 * `primitives`, for consumers that only need to know which names could matter (the extract
 * prefilter): a file that holds only a framework option or an extended-check name still gets
 * its full front end. Never used for verdicts.
 */
export function withAllSignals(rubric: Rubric): Rubric {
  const fw = rubric.frameworks.map((f) => ({
    id: `framework-${f.id}`,
    criteria: [{
      id: 'signals', description: '', min: 1,
      signals: [...f.landmarks.run, ...(f.landmarks['tool-def'] ?? []), ...(f.requires ?? []), ...f.options.map(({ satisfies: _s, flags: _f, ...sig }) => sig)],
    }],
  }) as unknown as Primitive);
  return { ...rubric, primitives: [...rubric.primitives, ...rubric.extended, ...fw] };
}
