import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ExtendedRubricSchema, FrameworkProfileSchema, RubricSchema, type FrameworkProfile, type Rubric } from './schema.js';
import { RubricError, formatZodIssues } from '../util/errors.js';
import { sha256 } from '../util/fs.js';

import { CORE_RUBRIC_PATH, rubricFiles } from './files.js';

export { CORE_RUBRIC_PATH, rubricFiles };

/** A loaded rubric plus where it came from and a content hash (part of every cache key). */
export interface LoadedRubric {
  rubric: Rubric;
  path: string;
  hash: string;
}

function readYaml(path: string): { text: string; data: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RubricError(`cannot read rubric ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return { text, data: parse(text) };
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0]?.line;
      throw new RubricError(`${path}${line ? `:${line}` : ''}: invalid YAML: ${err.message.split('\n')[0]}`);
    }
    throw new RubricError(`${path}: invalid YAML`);
  }
}

function validate<S extends z.ZodType>(schema: S, path: string, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new RubricError(formatZodIssues(path, result.error.issues));
  return result.data;
}

/**
 * Loads and validates a rubric: the core YAML file, then the extended checks and framework
 * profiles beside it (`rubricFiles`), each validated by its zod schema, merged into one `Rubric`
 * (`extended`, `frameworks`, the `shell-exec` landmark).
 * @param path core rubric file; defaults to the bundled `rubrics/core.yaml`
 * @throws RubricError with one line per problem, naming the file and the path inside it; also
 *   when a framework option names an unknown primitive or criterion
 */
export function loadRubric(path: string = CORE_RUBRIC_PATH): LoadedRubric {
  const files = rubricFiles(path);
  const texts: string[] = [];
  const core = readYaml(path);
  texts.push(core.text);
  const rubric: Rubric = validate(RubricSchema, path, core.data);
  for (const file of files.slice(1)) {
    const { text, data } = readYaml(file);
    texts.push(text);
    if (file.endsWith('extended.yaml') && dirname(file) === dirname(path)) {
      const ext = validate(ExtendedRubricSchema, file, data);
      // merged, then validated again as one rubric: unique ids, known phases and criteria
      const merged = validate(RubricSchema, file, { ...(core.data as object), extended: ext.primitives });
      rubric.extended = merged.extended;
      if (ext.landmarks['shell-exec'] && !rubric.landmarks['shell-exec']) rubric.landmarks['shell-exec'] = ext.landmarks['shell-exec'];
    } else {
      rubric.frameworks.push(validate(FrameworkProfileSchema, file, data));
    }
  }
  checkFrameworks(rubric, files);
  return { rubric, path, hash: sha256(texts.join('\0')) };
}

/** Every option of every profile must name a known primitive (core or extended) and one of its criteria; profile ids are unique. */
function checkFrameworks(rubric: Rubric, files: string[]): void {
  const all = [...rubric.primitives, ...rubric.extended];
  const problems: string[] = [];
  const seen = new Set<string>();
  rubric.frameworks.forEach((fw: FrameworkProfile) => {
    const file = files.find((f) => f.endsWith(`${fw.id}.yaml`)) ?? fw.id;
    if (seen.has(fw.id)) problems.push(`${file}: duplicate framework id "${fw.id}"`);
    seen.add(fw.id);
    fw.options.forEach((o, i) => o.satisfies.forEach((s, j) => {
      const p = all.find((x) => x.id === s.primitive);
      if (!p) problems.push(`${file}: options.${i}.satisfies.${j}.primitive: unknown primitive "${s.primitive}"`);
      else if (!p.criteria.some((c) => c.id === s.criterion)) problems.push(`${file}: options.${i}.satisfies.${j}.criterion: "${s.criterion}" is not a criterion of ${s.primitive}`);
    }));
  });
  if (problems.length) throw new RubricError(problems.join('\n'));
}
