import { execFileSync } from 'node:child_process';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Where the audited folder sits inside its git repository, for SARIF locations that code
 * scanning resolves against the repository root (issue 12): `packages/agent/` when auditing
 * `packages/agent`, '' at the top level or outside git.
 * @param target the audited folder as given on the command line
 */
export function repoPrefix(target: string): string {
  try {
    return execFileSync('git', ['-C', resolve(target), 'rev-parse', '--show-prefix'], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/**
 * Prefix of the HTML report's evidence links: the audited folder relative to the folder the
 * report is written to (`-o`), or to the current directory when it goes to stdout, so the links
 * open the files wherever the report is saved. Always ends with `/`.
 */
export function linkBase(target: string, output?: string): string {
  const from = output ? dirname(resolve(output)) : process.cwd();
  const rel = relative(from, resolve(target)).split(sep).join('/');
  return rel ? `${rel}/` : './';
}
