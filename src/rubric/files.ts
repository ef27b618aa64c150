import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the bundled core rubric (`rubrics/core.yaml`). */
export const CORE_RUBRIC_PATH = fileURLToPath(new URL('../../rubrics/core.yaml', import.meta.url));

/**
 * The rubric files loaded together, in order: the core file, `extended.yaml` beside it (the
 * extended checks) and `frameworks/*.yaml` beside it (framework profiles), each when present.
 * Their texts make the rubric hash. Kept free of yaml and zod so a cached run never loads them.
 */
export function rubricFiles(path: string = CORE_RUBRIC_PATH): string[] {
  const dir = dirname(path);
  const out = [path];
  const ext = join(dir, 'extended.yaml');
  if (ext !== path && existsSync(ext)) out.push(ext);
  const fw = join(dir, 'frameworks');
  if (existsSync(fw)) for (const f of readdirSync(fw).filter((n) => n.endsWith('.yaml')).sort()) out.push(join(fw, f));
  return out;
}
