import { describe, expect, test } from 'vitest';
import { readFileSync, existsSync, cpSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRubric } from '../src/index.js';
import { jsonSchemaOf } from '../src/cli/schema.js';
import { ROOT } from './helpers.js';

const IDS = ['tool-registry', 'permissions', 'session-persistence', 'workflow-state', 'token-budget', 'streaming-events',
  'event-log', 'verification', 'tool-pool', 'compaction', 'permission-audit', 'agent-types'];

describe('core rubric', () => {
  const { rubric } = loadRubric();

  test('the build-time rubric (dist/rubrics.json) is the YAML rubric, and only while the hashes match', () => {
    const fromYaml = loadRubric(undefined, { compiled: false });
    const loaded = loadRubric();
    expect(loaded.hash).toBe(fromYaml.hash);
    expect(loaded.rubric).toStrictEqual(fromYaml.rubric);
    // a copy of the rubric folder with one edit: read from its YAML, never from the compiled file
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-rubric-'));
    cpSync(join(ROOT, 'rubrics'), dir, { recursive: true });
    const core = join(dir, 'core.yaml');
    writeFileSync(core, readFileSync(core, 'utf8').replace(/^(\s*title: ).*$/m, '$1Edited title'));
    const edited = loadRubric(core);
    expect(edited.hash).not.toBe(loaded.hash);
    expect(JSON.stringify(edited.rubric)).toContain('Edited title');
  });

  test('holds exactly the 12 PRIMITIVES.md ids, in order, with tiers 1/2/3', () => {
    expect(rubric.primitives.map((p) => p.id)).toEqual(IDS);
    expect(rubric.primitives.map((p) => p.tier)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]);
  });

  test('every primitive has a doc section in PRIMITIVES.md when it is available', () => {
    const doc = join(ROOT, '..', 'shared', 'PRIMITIVES.md');
    if (!existsSync(doc)) return;
    const text = readFileSync(doc, 'utf8');
    for (const id of IDS) expect(text, id).toContain(`\`${id}\``);
  });

  test('every primitive has severity, fix, acceptance test and a reachable phase', () => {
    const phases = new Set(rubric.phases.map((p) => p.id));
    for (const p of rubric.primitives) {
      expect(p.fix.length).toBeGreaterThan(20);
      expect(p.acceptance.then.length).toBeGreaterThan(10);
      expect(phases.has(p.phase)).toBe(true);
    }
  });

  test('mutating tools without permissions is critical', () => {
    const p = rubric.primitives.find((x) => x.id === 'permissions')!;
    expect(p.severity.rules.find((r) => r.when.includes('mutating-tools'))?.severity).toBe('critical');
  });

  test.each(['report', 'rubric', 'brief', 'plan', 'worksheet', 'config', 'baseline'])('schema/%s.schema.json is up to date (npm run schema)', (which) => {
    const file = join(ROOT, 'schema', `${which}.schema.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(jsonSchemaOf(which));
  });
});

describe('extended checks and framework profiles (issue 15)', () => {
  const { rubric } = loadRubric();
  const EXTENDED = ['prompt-cache-boundary', 'layered-memory', 'command-safety', 'concurrency-discipline', 'circuit-breaker', 'proactive-daemon'];

  test('the six extended ids of PRIMITIVES.md, loaded beside core, with the shell-exec landmark', () => {
    expect(rubric.extended.map((p) => p.id)).toEqual(EXTENDED);
    expect(rubric.landmarks['shell-exec']?.signals.length).toBeGreaterThan(0);
    const doc = join(ROOT, '..', 'shared', 'PRIMITIVES.md');
    if (existsSync(doc)) for (const id of EXTENDED) expect(readFileSync(doc, 'utf8'), id).toContain(`\`${id}\``);
  });

  test('every primitive and extended check carries a crosswalk; command safety sits on the shell path', () => {
    for (const p of [...rubric.primitives, ...rubric.extended]) expect(p.crosswalk, p.id).toBeDefined();
    expect(rubric.extended.find((p) => p.id === 'command-safety')!.criteria.find((c) => c.id === 'checks')!.where).toEqual(['shell-path']);
  });

  test('the nine framework profiles load, each option naming a known criterion', () => {
    expect(rubric.frameworks.map((f) => f.id).sort()).toEqual(['claude-agent-sdk', 'google-adk', 'langchain', 'langgraph', 'mastra', 'openai-agents', 'pydantic-ai', 'smolagents', 'vercel-ai']);
    const all = [...rubric.primitives, ...rubric.extended];
    for (const f of rubric.frameworks) for (const o of f.options) for (const s of o.satisfies) {
      expect(all.find((p) => p.id === s.primitive)?.criteria.some((c) => c.id === s.criterion), `${f.id}:${o.id}`).toBe(true);
    }
  });

  test('a profile option with an unknown criterion, or a bad profile, is a one-line RubricError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-rubric-'));
    cpSync(join(ROOT, 'rubrics'), dir, { recursive: true });
    const file = join(dir, 'frameworks', 'vercel-ai.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{ primitive: permissions, criterion: gate }', '{ primitive: permissions, criterion: nope }'));
    expect(() => loadRubric(join(dir, 'core.yaml'))).toThrow(/vercel-ai\.yaml: options\.\d+\.satisfies\.0\.criterion: "nope" is not a criterion of permissions/);
    writeFileSync(file, 'version: 1\nid: Bad Id\n');
    expect(() => loadRubric(join(dir, 'core.yaml'))).toThrow(/vercel-ai\.yaml/);
  });
});
