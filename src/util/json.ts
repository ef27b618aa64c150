import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, formatZodIssues } from './errors.js';

/**
 * Reads a JSON file and validates it with a zod schema.
 * @param what what the file is, for the error ("the baseline", "judge results")
 * @param hint appended to read/parse errors, e.g. how to make such a file
 * @throws ConfigError: one line when the file is unreadable or not JSON, one line per zod issue
 *   (`<file>: <path>: <message>`) when it fails the schema
 */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string, hint = ''): T {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read ${what}: ${(err as Error).message.split('\n')[0]}${hint ? ` (${hint})` : ''}`);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new ConfigError(formatZodIssues(file, r.error.issues));
  return r.data;
}
