import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * Validator for an Agent Skills folder (the open specification both Claude Code and Codex
 * load): `SKILL.md` with YAML frontmatter using only the spec's fields, `name` equal to the
 * folder name (lowercase letters, digits and single hyphens, at most 64 characters),
 * `description` of 1-1,024 characters without `<` or `>`, a body under 500 lines, links to
 * bundled files that exist, and, when present, a Codex `agents/openai.yaml` with its interface.
 */

/** One problem found, as a one-line message with the file it concerns. */
export interface SkillProblem {
  file: string;
  message: string;
}

const ALLOWED_KEYS = new Set(['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools']);
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Splits `---\nyaml\n---\nbody`. @returns undefined when there is no frontmatter block */
export function splitFrontmatter(text: string): { yaml: string; body: string; bodyStartLine: number } | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return undefined;
  return { yaml: m[1]!, body: text.slice(m[0].length), bodyStartLine: m[0].split('\n').length };
}

/**
 * Validates a skill folder.
 * @param dir the skill folder (its basename must equal the skill's `name`)
 * @returns the problems, empty when the folder is valid
 */
export function validateSkill(dir: string): SkillProblem[] {
  const problems: SkillProblem[] = [];
  const add = (file: string, message: string) => problems.push({ file, message });
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) return [{ file: dir, message: 'not a directory' }];
  const skillMd = join(root, 'SKILL.md');
  if (!existsSync(skillMd)) return [{ file: 'SKILL.md', message: 'missing: a skill needs a SKILL.md' }];
  const text = readFileSync(skillMd, 'utf8');
  const fm = splitFrontmatter(text);
  if (!fm) return [{ file: 'SKILL.md', message: 'no YAML frontmatter: the file must start with a --- block' }];
  let meta: unknown;
  try {
    meta = parseYaml(fm.yaml);
  } catch (err) {
    return [{ file: 'SKILL.md', message: `frontmatter is not valid YAML: ${(err as Error).message.split('\n')[0]}` }];
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return [{ file: 'SKILL.md', message: 'frontmatter must be a YAML mapping' }];
  const m = meta as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!ALLOWED_KEYS.has(k)) add('SKILL.md', `frontmatter: unknown field "${k}" (allowed: ${[...ALLOWED_KEYS].join(', ')})`);

  const name = m.name;
  if (typeof name !== 'string' || !name) add('SKILL.md', 'frontmatter: name is required');
  else {
    if (name.length > 64) add('SKILL.md', `frontmatter: name is ${name.length} characters (at most 64)`);
    if (!NAME.test(name)) add('SKILL.md', `frontmatter: name "${name}" must be lowercase letters, digits and single hyphens, not starting or ending with a hyphen`);
    if (name !== basename(root)) add('SKILL.md', `frontmatter: name "${name}" must equal the folder name "${basename(root)}"`);
  }
  const desc = m.description;
  if (typeof desc !== 'string' || !desc.trim()) add('SKILL.md', 'frontmatter: description is required');
  else {
    if (desc.length > 1024) add('SKILL.md', `frontmatter: description is ${desc.length} characters (at most 1024)`);
    if (/[<>]/.test(desc)) add('SKILL.md', 'frontmatter: description must not contain < or >');
  }
  if (m.license !== undefined && typeof m.license !== 'string') add('SKILL.md', 'frontmatter: license must be a string');
  if (m.compatibility !== undefined && (typeof m.compatibility !== 'string' || m.compatibility.length > 500)) add('SKILL.md', 'frontmatter: compatibility must be a string of at most 500 characters');
  if (m.metadata !== undefined) {
    const md = m.metadata;
    if (!md || typeof md !== 'object' || Array.isArray(md) || Object.values(md).some((v) => typeof v !== 'string')) add('SKILL.md', 'frontmatter: metadata must map strings to strings');
  }
  if (m['allowed-tools'] !== undefined && typeof m['allowed-tools'] !== 'string') add('SKILL.md', 'frontmatter: allowed-tools must be a space-delimited string');

  const bodyLines = fm.body.split('\n').length;
  if (bodyLines >= 500) add('SKILL.md', `body is ${bodyLines} lines (keep it under 500; move detail to references/)`);
  for (const link of fm.body.matchAll(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g)) {
    const target = link[1]!.split('#')[0]!;
    if (target && !existsSync(join(root, target))) add('SKILL.md', `links to ${target}, which does not exist in the skill folder`);
  }

  const openai = join(root, 'agents', 'openai.yaml');
  if (existsSync(openai)) {
    let y: unknown;
    try {
      y = parseYaml(readFileSync(openai, 'utf8'));
    } catch (err) {
      add('agents/openai.yaml', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    const ui = (y as { interface?: Record<string, unknown> } | undefined)?.interface;
    if (y !== undefined && (!ui || typeof ui !== 'object')) add('agents/openai.yaml', 'missing the interface mapping');
    else if (ui) {
      for (const k of ['display_name', 'short_description', 'default_prompt']) if (typeof ui[k] !== 'string' || !(ui[k] as string).trim()) add('agents/openai.yaml', `interface.${k} must be a non-empty string`);
      if (typeof name === 'string' && typeof ui.default_prompt === 'string' && !ui.default_prompt.includes(`$${name}`)) add('agents/openai.yaml', `interface.default_prompt should mention $${name}`);
    }
  }
  return problems;
}

/** The bundled skill folder shipped with plumbline (`skills/plumbline`). */
export const BUNDLED_SKILL = resolve(dirname(fileURLToPath(import.meta.url)), '../../skills/plumbline');
