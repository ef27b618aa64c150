/**
 * Bump when any front end changes what it emits: invalidates cached facts. Its own module so that
 * a cached run (src/evaluate.ts) can key on it without loading the front ends.
 */
export const EXTRACTOR_VERSION = 22;
