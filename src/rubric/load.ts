import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * The bundled rubric, parsed and validated at build time (`scripts/compile-rubrics.mjs` writes
 * `dist/rubrics.json`: `{ hash, rubric }`). Loading it instead of the YAML files saves the YAML
 * parse and the schema validation (~0.2 s of every cold run); it is used only while its hash is
 * the hash of the rubric files on disk, so an edited rubric is read from its YAML again.
 */
export const COMPILED_RUBRIC_PATH = fileURLToPath(new URL('../../dist/rubrics.json', import.meta.url));

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new RubricError(`cannot read rubric ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The yaml package, loaded only when a rubric is read from YAML. */
let yaml: typeof import('yaml') | undefined;

function readYaml(path: string, known?: string): { text: string; data: unknown } {
  const text = known ?? readText(path);
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  try {
    return { text, data: yaml.parse(text) };
  } catch (err) {
    if (err instanceof yaml.YAMLParseError) {
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
export function loadRubric(path: string = CORE_RUBRIC_PATH, opts: { compiled?: boolean } = {}): LoadedRubric {
  const files = rubricFiles(path);
  const texts = files.map(readText);
  const hash = sha256(texts.join('\0'));
  if (path === CORE_RUBRIC_PATH && opts.compiled !== false) {
    const compiled = readCompiled(hash);
    if (compiled) return { rubric: compiled, path, hash };
  }
  const core = readYaml(path, texts[0]);
  const rubric: Rubric = validate(RubricSchema, path, core.data);
  for (const [i, file] of files.entries()) {
    if (i === 0) continue;
    const { data } = readYaml(file, texts[i]);
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
  return { rubric, path, hash };
}

/** The build-time rubric when it was compiled from rubric files with this hash; undefined otherwise (or unreadable). */
function readCompiled(hash: string): Rubric | undefined {
  try {
    const c = JSON.parse(readFileSync(COMPILED_RUBRIC_PATH, 'utf8')) as { hash?: string; rubric?: Rubric };
    return c.hash === hash ? c.rubric : undefined;
  } catch {
    return undefined;
  }
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
