import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { ConfigError, formatZodIssues } from '../util/errors.js';
import type { Config } from './schema.js';

/** Config locations, in the order they are tried (the first that exists wins). */
export const CONFIG_LOCATIONS = [
  'plumbline.config.json',
  'plumbline.config.yaml',
  'plumbline.config.yml',
  '.plumblinerc',
  '.plumblinerc.json',
  '.plumblinerc.yaml',
  '.plumblinerc.yml',
  'package.json',
] as const;

/** A loaded config and where it came from; paths inside it are made absolute. */
export interface LoadedConfig {
  config: Config;
  /** The file it came from, or null when none was found. */
  file: string | null;
}

type YamlParse = (text: string) => unknown;

function parseFile(file: string, parseYaml: YamlParse): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    // .plumblinerc may be JSON or YAML; YAML is a superset of JSON
    return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Finds and validates the config: `explicit` when given, else the first of CONFIG_LOCATIONS in
 * `dir` (a package.json counts only when it has a `plumbline` key).
 * @throws ConfigError naming the file and the field
 */
export async function loadConfig(dir: string, explicit?: string): Promise<LoadedConfig> {
  let file: string | undefined;
  let data: unknown;
  // yaml and zod load only when there is a config file: an unchanged re-run stays fast
  let yaml: YamlParse | undefined;
  const parseYaml: YamlParse = (t) => yaml!(t);
  const ensureYaml = async () => {
    yaml ??= (await import('yaml')).parse as YamlParse;
  };
  if (explicit) {
    file = resolve(explicit);
    if (!existsSync(file)) throw new ConfigError(`${explicit}: config file not found`);
    await ensureYaml();
    data = parseFile(file, parseYaml);
    if (file.endsWith('package.json')) data = (data as Record<string, unknown>)?.plumbline ?? {};
  } else {
    for (const name of CONFIG_LOCATIONS) {
      const f = join(dir, name);
      if (!existsSync(f)) continue;
      if (name === 'package.json') {
        // cheap check before parsing: most package.json files have no plumbline key
        try {
          if (!readFileSync(f, 'utf8').includes('"plumbline"')) continue;
        } catch {
          continue;
        }
      }
      await ensureYaml();
      const d = parseFile(f, parseYaml);
      if (name === 'package.json') {
        if (!d || typeof d !== 'object' || !('plumbline' in d)) continue;
        data = (d as Record<string, unknown>).plumbline;
      } else data = d;
      file = f;
      break;
    }
  }
  if (!file) return { config: {}, file: null };
  const { ConfigSchema } = await import('./schema.js');
  const r = ConfigSchema.safeParse(data ?? {});
  if (!r.success) throw new ConfigError(formatZodIssues(file.endsWith('package.json') ? `${file}#plumbline` : file, r.error.issues));
  const base = dirname(file);
  const abs = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : join(base, p));
  return { config: { ...r.data, rubric: abs(r.data.rubric), baseline: abs(r.data.baseline) }, file };
}
