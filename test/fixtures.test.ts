import { describe, expect, test } from 'vitest';
import { cpSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../src/index.js';
import { fixture, run, table, tmp } from './helpers.js';

// Full verdict tables of every fixture (STYLE.md convention 8). The engine runs for real.
const ALL_ABSENT = {
  'tool-registry': 'absent', permissions: 'absent', 'session-persistence': 'absent', 'workflow-state': 'absent',
  'token-budget': 'absent', 'streaming-events': 'absent', 'event-log': 'absent', verification: 'absent',
  'tool-pool': 'absent', compaction: 'absent', 'permission-audit': 'absent', 'agent-types': 'absent',
};

describe('fixture verdict tables', () => {
  test('ts-full-harness: all 12 primitives wired in', async () => {
    const r = await run('ts-full-harness');
    expect(table(r)).toEqual(Object.fromEntries(Object.keys(ALL_ABSENT).map((k) => [k, 'present'])));
    expect(r.context.shape).toBe('coding-agent');
    expect(r.context.flags).toEqual(expect.arrayContaining(['llm', 'mutating-tools', 'multi-agent']));
    expect(r.score).toBe(100);
    expect(r.findings).toEqual([]);
    // evidence points at real lines
    const perm = r.primitives.find((p) => p.id === 'permissions')!;
    expect(perm.evidence.some((e) => e.file === 'src/permissions.ts' && e.snippet.includes('checkPermission'))).toBe(true);
  });

  test('ts-minimal-chat: a chat loop with a literal tool list and a switch', async () => {
    const r = await run('ts-minimal-chat');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
    expect(r.findings[0]!.severity).toBe('high'); // permissions without mutating tools: high, not critical
    expect(r.findings.map((f) => f.id)).toContain('permissions');
  });

  test('python-agent: registry, resume, enforced budget; confirm prompt only', async () => {
    const r = await run('python-agent');
    expect(table(r)).toEqual({
      ...ALL_ABSENT,
      'tool-registry': 'present',
      permissions: 'partial',
      'session-persistence': 'present',
      'token-budget': 'present',
      verification: 'partial',
    });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('agent/cli.py');
  });

  test('ts-webapp-not-agent: says so plainly instead of twelve gaps', async () => {
    const r = await run('ts-webapp-not-agent');
    expect(table(r)).toEqual(ALL_ABSENT);
    expect(r.context.shape).toBe('not-an-agent');
    expect(r.applicable).toBe(false);
    expect(r.score).toBeNull();
    expect(r.findings).toEqual([]);
  });

  test('judge-secrets: a registry next to fake secrets (the judge tests redact them)', async () => {
    const r = await run('judge-secrets');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'present' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.findings[0]).toMatchObject({ id: 'permissions', severity: 'critical' });
  });

  test('judge-injection: a chat loop whose comments address the judge', async () => {
    const r = await run('judge-injection');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
  });

  test('html-injection: markup in a file name and in snippets (the HTML report test escapes it)', async () => {
    const r = await run('html-injection');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.primitives.find((p) => p.id === 'tool-registry')!.evidence.map((e) => e.file)).toContain('src/<img src=x onerror=alert(1)>.ts');
  });

  test('py-full-harness: a Python coding agent with every primitive wired in', async () => {
    const r = await run('py-full-harness');
    expect(table(r)).toEqual(Object.fromEntries(Object.keys(ALL_ABSENT).map((k) => [k, 'present'])));
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('harness/cli.py');
  });

  test('py-minimal-agent: a minimal Python loop; names in comments and docstrings are not evidence', async () => {
    const r = await run('py-minimal-agent');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
  });

  test('rust-dead-permissions: a permission engine that nothing calls does not count', async () => {
    const r = await run('rust-dead-permissions');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial', verification: 'partial' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.findings[0]).toMatchObject({ id: 'permissions', severity: 'critical' });
    const perm = r.primitives.find((p) => p.id === 'permissions')!;
    expect(perm.evidence.length).toBeGreaterThan(0);
    expect(perm.evidence.every((e) => !e.wired || e.signal !== 'approval-api')).toBe(true);
  });

  test('go-agent: registry, budget, append-only transcript without resume', async () => {
    const r = await run('go-agent');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'present', 'session-persistence': 'partial', 'token-budget': 'present' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('cmd/agent/main.go');
  });

  test('every fixture directory has a verdict-table test above', async () => {
    const { readFileSync } = await import('node:fs');
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    // fixtures/briefs holds design briefs, asserted by test/design.test.ts
    for (const name of readdirSync(fixture('.')).filter((n) => n !== 'briefs')) expect(self, name).toContain(`test('${name}:`);
  });

  test('broken-inputs: syntax errors, binary, empty, non-UTF-8, huge file and symlink loops', async () => {
    const dir = tmp();
    cpSync(fixture('broken-inputs'), dir, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(dir, 'src', 'huge.ts'), `export const big = "${'x'.repeat(2 * 1024 * 1024)}";\n`);
    const r = await evaluate({ target: dir, cache: false });
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.target.skipped).toMatchObject({ binary: 1, nonUtf8: 1, empty: 1, tooLarge: 1, symlink: 3 });
    expect(r.context.shape).toBe('chat-assistant');
  });
});

describe('scan guarantees', () => {
  test('never writes inside the scanned repository, even with the cache on', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    const before = snapshot(dir);
    process.env.PLUMBLINE_CACHE_DIR = tmp('plumbline-cache-');
    try {
      await evaluate({ target: dir });
      await evaluate({ target: dir });
    } finally {
      delete process.env.PLUMBLINE_CACHE_DIR;
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test('examples, docs and fixtures do not make a primitive present', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    // a permission engine that lives only in an example folder and in docs
    cpSync(join(fixture('ts-full-harness'), 'src'), join(dir, 'examples', 'full'), { recursive: true });
    cpSync(join(fixture('ts-full-harness'), 'src'), join(dir, 'test', 'fixtures', 'full'), { recursive: true });
    const r = await evaluate({ target: dir, cache: false });
    expect(table(r).permissions).toBe('absent');
    expect(table(r)['session-persistence']).toBe('absent');
  });

  test('an unreachable, uncalled module counts less than wired-in code', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    // a permission module nothing imports
    cpSync(join(fixture('ts-full-harness'), 'src', 'permissions.ts'), join(dir, 'src', 'permissions.ts'));
    const r = await evaluate({ target: dir, cache: false });
    const p = r.primitives.find((x) => x.id === 'permissions')!;
    expect(p.evidence.length).toBeGreaterThan(0);
    expect(p.evidence.every((e) => !e.reachable)).toBe(true);
    expect(p.verdict).not.toBe('present');
  });
});

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p}:${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}
