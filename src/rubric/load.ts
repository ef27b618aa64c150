import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import { RubricSchema, type Rubric } from './schema.js';
import { RubricError, formatZodIssues } from '../util/errors.js';
import { sha256 } from '../util/fs.js';

/** Absolute path of the bundled core rubric (`rubrics/core.yaml`). */
export const CORE_RUBRIC_PATH = fileURLToPath(new URL('../../rubrics/core.yaml', import.meta.url));

/** A loaded rubric plus where it came from and a content hash (part of every cache key). */
export interface LoadedRubric {
  rubric: Rubric;
  path: string;
  hash: string;
}

/**
 * Loads and validates a rubric YAML file.
 * @param path rubric file; defaults to the bundled `rubrics/core.yaml`
 * @throws RubricError with one line per problem, naming the file and the path inside it
 */
export function loadRubric(path: string = CORE_RUBRIC_PATH): LoadedRubric {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RubricError(`cannot read rubric ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0]?.line;
      throw new RubricError(`${path}${line ? `:${line}` : ''}: invalid YAML: ${err.message.split('\n')[0]}`);
    }
    throw new RubricError(`${path}: invalid YAML`);
  }
  const result = RubricSchema.safeParse(data);
  if (!result.success) throw new RubricError(formatZodIssues(path, result.error.issues));
  return { rubric: result.data, path, hash: sha256(text) };
}
