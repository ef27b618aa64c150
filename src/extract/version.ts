/**
 * Bump when any front end changes what it emits: invalidates cached facts. Its own module so that
 * a cached run (src/evaluate.ts) can key on it without loading the front ends. Also bump when
 * what is cached with the facts changes meaning: the wired-in records and their name test
 * (src/extract/wired-facts.ts, `nameTest`), the signal answers per fact (`FileFacts.sigs`: any
 * change to signal matching in src/detect/match.ts or src/rubric/words.ts). Issue 16.
 */
export const EXTRACTOR_VERSION = 28;
