import { describe, expect, test } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRubric } from '../src/index.js';
import { jsonSchemaOf } from '../src/cli/schema.js';
import { ROOT } from './helpers.js';

const IDS = ['tool-registry', 'permissions', 'session-persistence', 'workflow-state', 'token-budget', 'streaming-events',
  'event-log', 'verification', 'tool-pool', 'compaction', 'permission-audit', 'agent-types'];

describe('core rubric', () => {
  const { rubric } = loadRubric();

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
