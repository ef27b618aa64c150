import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ReportSchema } from '../src/index.js';
import { cli, fixture, tmp } from './helpers.js';

describe('plumbline evaluate (CLI)', () => {
  test('json output validates against the report schema and carries the score.mjs contract', () => {
    const r = cli(['evaluate', fixture('ts-minimal-chat'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    // the 12 core primitives, then the six extended checks scored apart (score.mjs --ids all reads all 18)
    expect(report.primitives.filter((p) => p.group === 'core')).toHaveLength(12);
    expect(report.primitives.filter((p) => p.group === 'extended').map((p) => p.id)).toEqual(['prompt-cache-boundary', 'layered-memory', 'command-safety', 'concurrency-discipline', 'circuit-breaker', 'proactive-daemon']);
    expect(report.extended).toMatchObject({ score: expect.any(Number), summary: { present: expect.any(Number) } });
    expect(report.summary.present + report.summary.partial + report.summary.absent).toBe(12);
    expect(report.primitives.every((p) => ['present', 'partial', 'absent'].includes(p.verdict))).toBe(true);
  });

  test('same input, same report, byte for byte (uncached, then cached)', () => {
    const cache = tmp('plumbline-cache-');
    const a = cli(['evaluate', fixture('python-agent'), '-f', 'json', '--no-cache']);
    const b = cli(['evaluate', fixture('python-agent'), '-f', 'json'], { PLUMBLINE_CACHE_DIR: cache });
    const c = cli(['evaluate', fixture('python-agent'), '-f', 'json', '--timings'], { PLUMBLINE_CACHE_DIR: cache });
    expect(a.stdout).toBe(b.stdout);
    expect(b.stdout).toBe(c.stdout);
    expect(c.stderr).toContain('cache-hit');
  });

  test('text report: findings first, then upgrade path, then acceptance tests', () => {
    const r = cli(['evaluate', fixture('ts-minimal-chat')]);
    expect(r.code).toBe(0);
    const f = r.stdout.indexOf('Findings');
    const u = r.stdout.indexOf('Upgrade path');
    const t = r.stdout.indexOf('Acceptance tests');
    expect(f).toBeGreaterThan(0);
    expect(u).toBeGreaterThan(f);
    expect(t).toBeGreaterThan(u);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when not a TTY
  });

  test('markdown report renders findings with evidence', () => {
    const r = cli(['evaluate', fixture('python-agent'), '-f', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# plumbline report: python-agent/);
    expect(r.stdout).toContain('## Upgrade path');
  });

  test('--output writes the file atomically and nothing to stdout', () => {
    const out = join(tmp(), 'report.json');
    const r = cli(['evaluate', fixture('ts-minimal-chat'), '-f', 'json', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  test('gates: --fail-on and --min-score exit 1; not-an-agent skips the gate', () => {
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--fail-on', 'high', '-q']).code).toBe(1);
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--fail-on', 'critical', '-q']).code).toBe(0);
    expect(cli(['evaluate', fixture('ts-full-harness'), '--min-score', '90', '-q']).code).toBe(0);
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--min-score', '50']).code).toBe(1);
    const na = cli(['evaluate', fixture('ts-webapp-not-agent'), '--fail-on', 'low']);
    expect(na.code).toBe(0);
    expect(na.stdout).toContain('not an agent harness');
  });

  test('bad input: one line, exit 2, no stack trace, no partial write', () => {
    const cases: string[][] = [
      ['evaluate', '/nonexistent/path/xyz'],
      ['evaluate', join(fixture('ts-minimal-chat'), 'package.json')],
      ['evaluate', fixture('ts-minimal-chat'), '--format', 'pdf'],
      ['evaluate', fixture('ts-minimal-chat'), '--min-score', 'abc'],
      ['evaluate', fixture('ts-minimal-chat'), '--rubric', '/nonexistent.yaml'],
      ['rubric', 'show', 'no-such-primitive'],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    const out = join(tmp(), 'never.json');
    expect(cli(['evaluate', '/nonexistent/xyz', '-o', out]).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  test('an invalid rubric names the file and the path inside it', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.yaml');
    const core = readFileSync(fixture('../rubrics/core.yaml'), 'utf8');
    writeFileSync(bad, core.replace("pattern: '.'", "pattern: '(unclosed'"));
    const r = cli(['evaluate', fixture('ts-minimal-chat'), '--rubric', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: landmarks\.tool-def\.signals\.0\.pattern: not a valid regular expression/);
    writeFileSync(bad, 'version: 1\nid: [unclosed\n');
    const y = cli(['rubric', '--rubric', bad]);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/invalid YAML/);
  });

  test('rubric list and show', () => {
    const list = cli(['rubric']);
    expect(list.code).toBe(0);
    // title + 12 primitives, a heading + 6 extended checks, the framework profiles
    expect(list.stdout.trim().split('\n')).toHaveLength(21);
    expect(list.stdout).toMatch(/^Framework profiles: .*vercel-ai/m);
    const show = cli(['rubric', 'show', 'permissions']);
    expect(show.stdout).toContain('Acceptance test: destructive tools require approval');
    expect(show.stdout).toContain('Crosswalk: 12-factor-agents factor 7; OWASP agentic ASI02, ASI03, ASI09');
    expect(cli(['rubric', 'show', 'command-safety']).stdout).toMatch(/where: shell-path/);
  });

  test('schema prints a JSON Schema generated from zod', () => {
    const r = cli(['schema']);
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toMatch(/json-schema/);
    expect(s.properties.primitives).toBeDefined();
  });
});
