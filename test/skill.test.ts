import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, cli, tmp } from './helpers.js';
import { validateSkill } from '../src/skill/validate.js';
import { renderSkillReferences } from '../src/skill/references.js';
import { loadRubric } from '../src/index.js';

const BUNDLE = join(ROOT, 'skills', 'plumbline');

/** A copy of the bundle whose SKILL.md frontmatter is edited by `edit`. */
function broken(edit: (skillMd: string) => string, folder = 'plumbline'): string {
  const dir = join(tmp('plumbline-skill-'), folder);
  cpSync(BUNDLE, dir, { recursive: true });
  const p = join(dir, 'SKILL.md');
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
  return dir;
}

describe('skill bundle', () => {
  it('the bundled skill is valid, with a body under 500 lines and a Codex interface', () => {
    expect(validateSkill(BUNDLE)).toEqual([]);
    const r = cli(['skill', 'validate']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(BUNDLE, 'agents', 'openai.yaml'), 'utf8')).toContain('$plumbline');
  });

  it('the validator rejects each broken rule, one line per problem', () => {
    const cases: Array<[string, string, RegExp]> = [
      [broken((s) => s.replace('name: plumbline', 'name: Plumbline')), 'bad name', /lowercase letters, digits and single hyphens/],
      [broken((s) => s.replace('name: plumbline', 'name: plumb--line')), 'double hyphen', /single hyphens/],
      [broken((s) => s, 'other-folder'), 'name/folder mismatch', /must equal the folder name "other-folder"/],
      [broken((s) => s.replace(/^description: .*$/m, `description: ${'x'.repeat(1100)}`)), 'long description', /description is 1100 characters/],
      [broken((s) => s.replace(/^description: /m, 'description: Use <plumbline> to ')), '< in description', /must not contain < or >/],
      [broken((s) => s.replace('license: MIT', 'license: MIT\nversion: 1')), 'unknown key', /unknown field "version"/],
      [broken((s) => s.replace('references/primitives.md)', 'references/missing.md)')), 'dangling link', /missing\.md, which does not exist/],
      [broken((s) => s + '\nline'.repeat(520)), 'long body', /keep it under 500/],
    ];
    for (const [dir, what, message] of cases) {
      const problems = validateSkill(dir);
      expect(problems.some((p) => message.test(p.message)), `${what}: ${JSON.stringify(problems)}`).toBe(true);
      const r = cli(['skill', 'validate', dir]);
      expect(r.code, what).toBe(1);
      expect(r.stderr.trim().split('\n'), what).toHaveLength(problems.length);
    }
    const missing = cli(['skill', 'validate', '/no/such/skill']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a directory/);
    const noFm = broken((s) => s.replace(/^---[\s\S]*?---\n/, ''));
    expect(validateSkill(noFm)[0]!.message).toMatch(/no YAML frontmatter/);
  });

  it('installs for Claude Code and Codex, user and project scope; refuses to overwrite without --force', () => {
    const home = tmp('plumbline-home-');
    const project = tmp('plumbline-project-');
    const env = { HOME: home };
    const targets = {
      'claude user': join(home, '.claude', 'skills', 'plumbline'),
      'claude project': join(project, '.claude', 'skills', 'plumbline'),
      'codex user': join(home, '.agents', 'skills', 'plumbline'),
      'codex project': join(project, '.agents', 'skills', 'plumbline'),
    };
    for (const [key, target] of Object.entries(targets)) {
      const [agent, scope] = key.split(' ');
      const args = ['skill', 'install', '--agent', agent!, '--scope', scope!, '--project-dir', project];
      const r = cli(args, env);
      expect(r.code, key).toBe(0);
      expect(r.stdout).toContain(target);
      expect(validateSkill(target), key).toEqual([]);
      expect(readFileSync(join(target, 'references', 'primitives.md'), 'utf8')).toBe(readFileSync(join(BUNDLE, 'references', 'primitives.md'), 'utf8'));
      const again = cli(args, env);
      expect(again.code, key).toBe(2);
      expect(again.stderr).toMatch(/already exists: pass --force/);
      writeFileSync(join(target, 'SKILL.md'), 'stale');
      expect(cli([...args, '--force'], env).code, key).toBe(0);
      expect(readFileSync(join(target, 'SKILL.md'), 'utf8')).toBe(readFileSync(join(BUNDLE, 'SKILL.md'), 'utf8'));
    }
    // the installed launcher finds the CLI that installed it
    const launched = spawnSync(process.execPath, [join(targets['codex user'], 'scripts', 'plumbline.mjs'), 'rubric', 'show', 'permissions'], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    expect(launched.status).toBe(0);
    expect(launched.stdout).toMatch(/Permission/);
    // no temp folders left behind
    expect(spawnSync('find', [home, '-name', '*.tmp*'], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('the generated references match the rubric', () => {
    const refs = renderSkillReferences(loadRubric().rubric);
    for (const [name, text] of Object.entries(refs)) expect(readFileSync(join(BUNDLE, 'references', name), 'utf8'), `${name} is stale: run npm run skill:refs`).toBe(text);
    for (const p of loadRubric().rubric.primitives) expect(refs['primitives.md']).toContain(`\`${p.id}\``);
  });

  it('plugin manifests for Claude Code and Codex point at the bundle', () => {
    for (const f of ['.claude-plugin/plugin.json', '.codex-plugin/plugin.json']) {
      const m = JSON.parse(readFileSync(join(ROOT, f), 'utf8'));
      expect(m.name, f).toBe('plumbline');
      expect(existsSync(join(ROOT, m.skills, 'plumbline', 'SKILL.md')), f).toBe(true);
      expect(m.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    }
    const claudeMarket = JSON.parse(readFileSync(join(ROOT, '.claude-plugin/marketplace.json'), 'utf8'));
    expect(claudeMarket.plugins[0]).toMatchObject({ name: 'plumbline', source: './' });
    const codexMarket = JSON.parse(readFileSync(join(ROOT, '.agents/plugins/marketplace.json'), 'utf8'));
    expect(codexMarket.plugins[0]).toMatchObject({ name: 'plumbline', source: { source: 'local', path: './' } });
  });
});
