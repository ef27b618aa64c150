import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PlumblineError, UsageError } from '../util/errors.js';
import { BUNDLED_SKILL, validateSkill } from './validate.js';

/** Host agents the skill installs into. */
export type SkillAgent = 'claude' | 'codex';
export type SkillScope = 'user' | 'project';

/**
 * Where a host agent loads skills from: Claude Code `~/.claude/skills/<name>` or
 * `<project>/.claude/skills/<name>`; Codex `~/.agents/skills/<name>` or `<project>/.agents/skills/<name>`.
 */
export function skillTarget(agent: SkillAgent, scope: SkillScope, projectDir = process.cwd(), name = 'plumbline'): string {
  const base = scope === 'user' ? homedir() : resolve(projectDir);
  return join(base, agent === 'claude' ? '.claude' : '.agents', 'skills', name);
}

/** Options of `installSkill`. */
export interface InstallOptions {
  agent: SkillAgent;
  scope: SkillScope;
  projectDir?: string;
  force?: boolean;
  /** Skill folder to install (default: the bundled skills/plumbline). */
  source?: string;
}

/**
 * Copies the skill bundle into the host agent's skill folder. The copy is staged in a sibling
 * temp folder and renamed into place, so a failure never leaves a half-written skill; with
 * `force`, the old folder is replaced only after the new one is complete. The installed copy
 * records the CLI that installed it (`scripts/plumbline-bin`) for the launcher script.
 * @returns the installed folder
 * @throws UsageError when the target exists and `force` is not set; PlumblineError when the
 *   bundle is invalid or the copy fails
 */
export function installSkill(opts: InstallOptions): string {
  const source = resolve(opts.source ?? BUNDLED_SKILL);
  const problems = validateSkill(source);
  if (problems.length) throw new PlumblineError(`the skill bundle ${source} is invalid: ${problems[0]!.file}: ${problems[0]!.message}`);
  const target = skillTarget(opts.agent, opts.scope, opts.projectDir, basename(source));
  if (existsSync(target) && !opts.force) throw new UsageError(`${target} already exists: pass --force to replace it`);
  const parent = dirname(target);
  const stage = join(parent, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  const old = `${stage}.old`;
  try {
    mkdirSync(parent, { recursive: true });
    cpSync(source, stage, { recursive: true, filter: (p) => !p.endsWith('plumbline-bin') });
    const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/plumbline.js');
    writeFileSync(join(stage, 'scripts', 'plumbline-bin'), bin + '\n');
    if (existsSync(target)) renameSync(target, old);
    renameSync(stage, target);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(stage, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw new PlumblineError(`cannot install the skill into ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return target;
}
