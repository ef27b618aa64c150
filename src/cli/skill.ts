import { existsSync, statSync } from 'node:fs';
import { TargetError } from '../util/errors.js';
import { BUNDLED_SKILL, validateSkill } from '../skill/validate.js';
import { installSkill, type SkillAgent, type SkillScope } from '../skill/install.js';

/** `plumbline skill validate [dir]`: one line per problem. @returns 0 valid, 1 problems found */
export function runSkillValidate(dir: string | undefined): number {
  const target = dir ?? BUNDLED_SKILL;
  if (!existsSync(target) || !statSync(target).isDirectory()) throw new TargetError(`${target}: not a directory (pass a skill folder, e.g. skills/plumbline)`);
  const problems = validateSkill(target);
  for (const p of problems) process.stderr.write(`${target}/${p.file}: ${p.message}\n`);
  if (!problems.length) process.stdout.write(`${target}: valid skill\n`);
  return problems.length ? 1 : 0;
}

/** `plumbline skill install`: copies the bundle for Claude Code or Codex. @returns 0 */
export function runSkillInstall(opts: { agent: SkillAgent; scope: SkillScope; projectDir?: string; force?: boolean }): number {
  const target = installSkill(opts);
  process.stdout.write(`installed the plumbline skill into ${target}\n`);
  process.stdout.write(opts.agent === 'claude' ? 'Claude Code loads it on the next session; ask "is this agent production-ready?" or run /plumbline.\n' : 'Codex loads it on the next session; invoke it with $plumbline.\n');
  return 0;
}
