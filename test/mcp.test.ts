import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { loadRubric, ReportSchema, WorksheetSchema, type Report, type Worksheet } from '../src/index.js';
import { PlanSchema } from '../src/design/plan.js';
import { parseBrief } from '../src/design/brief.js';
import { planFromBrief } from '../src/design/planner.js';
import { severityRank } from '../src/score/score.js';
import { cli, fixture, ROOT, tmp } from './helpers.js';

const BIN = join(ROOT, 'bin', 'plumbline.js');
const rubric = loadRubric().rubric;
const RUBRIC_IDS = rubric.primitives.map((p) => p.id);
/** Core primitives then extended checks, as the report lists them. */
const ALL_IDS = [...RUBRIC_IDS, ...rubric.extended.map((p) => p.id)];

/** The real built server (`node bin/plumbline.js mcp --root ...`) behind the SDK's own stdio client. */
async function connect(roots: string[], cwd?: string): Promise<Client> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...roots.flatMap((r) => ['--root', r])],
    env: { ...env, PLUMBLINE_CACHE_DIR: tmp('plumbline-cache-'), NO_COLOR: '1' },
    stderr: 'pipe',
    cwd,
  });
  const client = new Client({ name: 'plumbline-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** Calls a tool and returns the result with its first text block. */
async function call(client: Client, name: string, args: Record<string, unknown>, onprogress?: (p: { progress: number; total?: number; message?: string }) => void) {
  const r = (await client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : undefined)) as CallToolResult;
  const texts = r.content.map((c) => (c.type === 'text' ? c.text : ''));
  return { ...r, text: texts[0] ?? '', texts };
}

/** Every file under `dir` with its size and mtime, to prove a run wrote nothing there. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath, d.name))
    .map((f) => `${f} ${statSync(f).size} ${statSync(f).mtimeMs}`)
    .sort();
}

describe('plumbline mcp (real server over stdio, SDK client)', () => {
  let client: Client;
  let work: string; // a second root: a copy of a fixture and a symlink that escapes the roots
  let copy: string;
  let before: string[];

  beforeAll(async () => {
    work = tmp('plumbline-mcp-root-');
    copy = join(work, 'python-agent');
    cpSync(fixture('python-agent'), copy, { recursive: true });
    symlinkSync(join(ROOT, 'src'), join(work, 'escape'));
    mkdirSync(join(work, 'empty'));
    before = snapshot(copy);
    client = await connect([join(ROOT, 'fixtures'), work]);
  });
  afterAll(async () => {
    await client?.close();
  });

  test('lists the five tools with input and output schemas, all read-only', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['design', 'evaluate', 'explain_primitive', 'judge_worksheet', 'map', 'merge_judge_results']);
    for (const t of tools) {
      expect(t.description, t.name).toBeTruthy();
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
      expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: false });
    }
    const evaluate = tools.find((t) => t.name === 'evaluate')!;
    expect(evaluate.inputSchema.required).toEqual(['path']);
    expect(Object.keys(evaluate.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['path', 'format', 'failOn']));
  });

  test('map: the harness model of a fixture (loop, model call, tool execution) as structured content and text', async () => {
    const r = await call(client, 'map', { path: 'rust-gate-on-tool-path' });
    expect(r.isError).toBeFalsy();
    const m = r.structuredContent as { loops: Array<{ name: string; file: string }>; modelCalls: unknown[]; toolExecution: unknown[] };
    expect(m.loops[0]).toMatchObject({ name: 'ConversationRuntime.run_turn', file: 'src/runtime.rs' });
    expect(m.toolExecution.length).toBeGreaterThan(0);
    expect((r.content[0] as { text: string }).text).toMatch(/^Agent loop\n/);
    const out = await call(client, 'map', { path: '/' });
    expect(out.isError).toBe(true);
  });

  test('evaluate: the report as structured content (valid against schema/report.schema.json), a summary, and progress notifications', async () => {
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const r = await call(client, 'evaluate', { path: 'ts-minimal-chat' }, (p) => progress.push(p));
    expect(r.isError).toBeFalsy();
    const report = ReportSchema.parse(r.structuredContent);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
    expect(validate(r.structuredContent), JSON.stringify(validate.errors)).toBe(true);
    expect(report.primitives.map((p) => p.id)).toEqual(ALL_IDS);
    expect(report.target.name).toBe('ts-minimal-chat');
    expect(r.texts).toHaveLength(1);
    expect(r.text).toContain('ts-minimal-chat');
    expect(r.text).toContain(report.applicable ? `Score ${report.score}/100` : 'Not an agent harness');
    // one notification per pipeline stage, increasing, out of the total. The server sends them all
    // before the result, but the SDK client drops the ones that arrive in the same read as the
    // result (it dispatches notifications a microtask later and forgets the progress handler when
    // the result arrives), so on a loaded machine the tail may be missing here
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.map((p) => p.progress)).toEqual([...new Set(progress.map((p) => p.progress))].sort((a, b) => a - b));
    for (const p of progress) expect(p).toMatchObject({ total: 6 });
    expect(progress.every((p) => p.progress >= 1 && p.progress <= 6)).toBe(true);
    expect(progress[0]!.message).toMatch(/listed \d+ files/);
  });

  test('evaluate: format adds the rendered report; failOn reports the gate in text and _meta', async () => {
    const md = await call(client, 'evaluate', { path: 'python-agent', format: 'markdown' });
    expect(md.texts).toHaveLength(2);
    expect(md.texts[1]).toMatch(/^# plumbline report: python-agent/);
    const gated = await call(client, 'evaluate', { path: fixture('python-agent'), failOn: 'low' });
    const report = ReportSchema.parse(gated.structuredContent);
    const failing = report.findings.filter((f) => !f.suppressed && severityRank(f.severity) <= severityRank('low'));
    const gate = (gated._meta as Record<string, { passed: boolean; failOn: string; failures: string[] }>)['plumbline/gate']!;
    expect(gate.failOn).toBe('low');
    expect(gate.passed).toBe(failing.length === 0);
    expect(gate.failures).toHaveLength(failing.length ? 1 : 0);
    expect(gated.texts.join('\n')).toContain(failing.length ? 'Gate failed' : 'Gate passed');
  });

  test('paths outside the allowed roots are refused with a tool error, symlinks included', async () => {
    for (const path of [ROOT, '../src', '/', join(work, 'escape'), 'escape/../..']) {
      const r = await call(client, 'evaluate', { path });
      expect(r.isError, path).toBe(true);
      expect(r.text, path).toMatch(/^plumbline: path .* is outside the allowed roots .*fixtures, .*; start the server with --root <dir> to allow it$/);
      expect(r.structuredContent).toBeUndefined();
    }
    const missing = await call(client, 'evaluate', { path: 'no-such-fixture' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toBe('plumbline: path not found: no-such-fixture');
    const refused = await call(client, 'judge_worksheet', { path: '/etc' });
    expect(refused.text).toContain('outside the allowed roots');
  });

  test('explain_primitive: the rubric entry, as text and structured; a bad id is a tool error, not a crash', async () => {
    const r = await call(client, 'explain_primitive', { id: 'permissions' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual(rubric.primitives.find((p) => p.id === 'permissions'));
    expect(r.text).toMatch(/^permissions: /);
    expect(r.text).toContain('Why it matters:');
    expect(r.text).toContain('Acceptance test:');
    const bad = await call(client, 'explain_primitive', { id: 'no-such-primitive' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toBe(`plumbline: unknown primitive "no-such-primitive"; known: ${ALL_IDS.join(', ')}`);
    const missingArg = await call(client, 'explain_primitive', {});
    expect(missingArg.isError).toBe(true);
    // the server is still there
    expect((await call(client, 'explain_primitive', { id: 'compaction' })).isError).toBeFalsy();
  });

  test('design: the plan as JSON (the library planner\'s plan) and Markdown; a bad brief is a tool error', async () => {
    const brief = parseYaml(readFileSync(fixture('briefs/payments-support-agent.yaml'), 'utf8'));
    const r = await call(client, 'design', { brief });
    expect(r.isError).toBeFalsy();
    expect(PlanSchema.parse(r.structuredContent)).toEqual(planFromBrief(parseBrief(brief, 'brief'), rubric));
    expect(r.text).toContain('## Recommended shape');
    const bad = await call(client, 'design', { brief: { ...brief, shape: 'spaceship' } });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/shape/);
  });

  test('judge_worksheet, then merge_judge_results: the host-judge round trip, writing nothing in the target', async () => {
    const w = await call(client, 'judge_worksheet', { path: copy });
    expect(w.isError).toBeFalsy();
    const sheet: Worksheet = WorksheetSchema.parse(w.structuredContent);
    expect(sheet.target).toBe('python-agent');
    expect(sheet.instructions).toContain('merge_judge_results');
    expect(sheet.items.length).toBeGreaterThan(0);
    expect(w.text).toMatch(/^# plumbline judge worksheet: python-agent/);
    for (const it of sheet.items) expect(RUBRIC_IDS).toContain(it.primitive);

    // agree on the first item, disagree on the second (by one level, citing evidence), cite an unknown id on a third
    const [first, second, third] = sheet.items;
    const review = (it: Worksheet['items'][number], verdict: Report['primitives'][number]['verdict'], ids = [it.evidence[0]!.id]) => ({
      primitive: it.primitive,
      review: { verdict, confidence: 'high', rationale: 'read the cited code', evidenceIds: ids, findingText: '' },
    });
    const other = (v: string) => (v === 'present' ? 'partial' : 'present');
    const items = [review(first!, first!.staticVerdict)];
    if (second) items.push(review(second, other(second.staticVerdict)));
    if (third) items.push(review(third, third.staticVerdict, ['not-an-evidence-id']));

    const merged = await call(client, 'merge_judge_results', { path: copy, results: { evidenceHash: sheet.evidenceHash, items }, mode: 'adjust' });
    expect(merged.isError).toBeFalsy();
    const report = ReportSchema.parse(merged.structuredContent);
    expect(report.judge).toMatchObject({ source: 'host', mode: 'adjust', disagreements: second ? 1 : 0 });
    const byId = new Map(report.judge!.reviews.map((x) => [x.primitive, x]));
    expect(byId.get(first!.primitive)).toMatchObject({ status: 'judged', agrees: true });
    if (second) {
      expect(byId.get(second.primitive)).toMatchObject({ status: 'judged', agrees: false, applied: true });
      expect(report.primitives.find((p) => p.id === second.primitive)!.verdict).not.toBe(second.staticVerdict);
    }
    if (third) expect(byId.get(third.primitive)).toMatchObject({ status: 'discarded' });
    expect(merged.text).toContain('Judge (host, adjust)');

    // the whole filled worksheet is accepted too; advisory keeps the static verdicts
    const whole = await call(client, 'merge_judge_results', { path: copy, results: { ...sheet, items: sheet.items.map((it, i) => (i === 0 ? items[0] : { ...it })) } });
    expect(whole.isError).toBeFalsy();
    const advisory = ReportSchema.parse(whole.structuredContent);
    expect(advisory.judge?.mode).toBe('advisory');
    expect(advisory.primitives.map((p) => p.verdict)).toEqual(report.primitives.map((p) => (p.id === second?.primitive ? second.staticVerdict : p.verdict)));

    const stale = await call(client, 'merge_judge_results', { path: copy, results: { evidenceHash: 'stale', items } });
    expect(stale.isError).toBe(true);
    expect(stale.text).toMatch(/^plumbline: merge_judge_results: these judge results were made for different evidence .*call judge_worksheet again$/);

    expect(snapshot(copy)).toEqual(before);
  });

  test('resources: the rubric and one primitive per id (a template with a list); an unknown id is an error', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['plumbline://rubric', ...RUBRIC_IDS.map((id) => `plumbline://primitive/${id}`)]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['plumbline://primitive/{id}']);
    const all = await client.readResource({ uri: 'plumbline://rubric' });
    expect(all.contents[0]).toMatchObject({ uri: 'plumbline://rubric', mimeType: 'application/json' });
    expect(JSON.parse(String(all.contents[0]!.text)).primitives.map((p: { id: string }) => p.id)).toEqual(RUBRIC_IDS);
    const one = await client.readResource({ uri: 'plumbline://primitive/session-persistence' });
    expect(JSON.parse(String(one.contents[0]!.text))).toEqual(rubric.primitives.find((p) => p.id === 'session-persistence'));
    await expect(client.readResource({ uri: 'plumbline://primitive/nope' })).rejects.toThrow(/unknown primitive "nope"/);
    const done = await client.complete({ ref: { type: 'ref/resource', uri: 'plumbline://primitive/{id}' }, argument: { name: 'id', value: 'perm' } });
    expect(done.completion.values).toEqual(['permissions', 'permission-audit']);
  });
});

describe('plumbline mcp (command line)', () => {
  test('--help documents --root; a missing root is a usage error before serving', () => {
    const help = cli(['mcp', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--root <dir>\s+a directory the tools may read, repeatable \(default: the\s+current directory\)/);
    const bad = cli(['mcp', '--root', join(tmp(), 'missing')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^plumbline: --root .*missing: no such directory\n$/);
  });

  test('the default root is the working directory', async () => {
    const client = await connect([], fixture('ts-minimal-chat'));
    const here = await call(client, 'evaluate', { path: '.' });
    expect(ReportSchema.parse(here.structuredContent).target.name).toBe('ts-minimal-chat');
    expect((await call(client, 'evaluate', { path: '..' })).isError).toBe(true);
    await client.close();
  });
});
