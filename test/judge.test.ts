import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, judge, loadRubric, type Report, type JudgeOptions } from '../src/index.js';
import { fixture, tmp, cli, cliAsync, table } from './helpers.js';
import { startMessagesServer, agreeing, toolUseReply, errorReply, evidenceIds, primitiveOf, type Handler } from './messages-server.js';

const rubric = loadRubric();
let server: Awaited<ReturnType<typeof startMessagesServer>>;
let handler: Handler = agreeing;
const reports = new Map<string, Report>();

async function staticReport(name: string): Promise<Report> {
  if (!reports.has(name)) reports.set(name, await evaluate({ target: fixture(name), cache: false }));
  return structuredClone(reports.get(name)!);
}

let cacheDir: string;
let auditPath: string;
beforeEach(async () => {
  cacheDir = tmp('plumbline-judge-cache-');
  auditPath = join(cacheDir, 'audit.jsonl');
  process.env.PLUMBLINE_CACHE_DIR = cacheDir;
  handler = agreeing;
  server ??= await startMessagesServer((r) => handler(r));
  server.requests.length = 0;
});
afterEach(() => {
  delete process.env.PLUMBLINE_CACHE_DIR;
});
afterAll(async () => server?.close());

function opts(name: string, extra: Partial<JudgeOptions> = {}): JudgeOptions {
  return { judge: 'anthropic', target: fixture(name), apiKey: 'sk-ant-test-loopback', baseURL: server.url, auditLog: auditPath, maxRetries: 0, timeoutMs: 5000, ...extra };
}
const audit = () => readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('judge (anthropic) against a loopback Messages API', () => {
  it('sends only the 12 core primitives; an extended check with evidence is marked as not sent, not as lacking evidence', async () => {
    const report = await staticReport('ts-extended-present');
    const extendedWithEvidence = report.primitives.filter((p) => p.group === 'extended' && p.evidence.length).map((p) => p.id);
    expect(extendedWithEvidence.length).toBeGreaterThan(0);
    const { report: judged } = await judge(report, rubric, opts('ts-extended-present'));
    const core = new Set(rubric.rubric.primitives.map((p) => p.id));
    expect(server.requests.length).toBeGreaterThan(0);
    for (const q of server.requests) expect(core.has(primitiveOf(q))).toBe(true);
    for (const id of extendedWithEvidence) {
      expect(judged.judge!.reviews.find((r) => r.primitive === id)).toMatchObject({ status: 'skipped', note: 'extended check: the judge reviews the 12 core primitives only' });
    }
  });

  it('reviews every primitive with evidence, records usage, cost and an audit line per request; a re-run hits the cache and sends nothing', async () => {
    const report = await staticReport('ts-full-harness');
    const withEvidence = report.primitives.filter((p) => p.evidence.length).map((p) => p.id);
    const { report: judged } = await judge(report, rubric, opts('ts-full-harness'));
    expect(server.requests.map(primitiveOf)).toEqual(withEvidence);
    const req = server.requests[0]!;
    expect(req.headers['x-api-key'] ?? req.headers.authorization).toMatch(/^(Bearer )?sk-ant-test-loopback$/);
    expect(req.body.model).toBe('claude-sonnet-5-5');
    expect(req.body.system[0]).toMatchObject({ cache_control: { type: 'ephemeral' } });
    expect(req.body.tools[0]).toMatchObject({ name: 'submit_review' });
    const j = judged.judge!;
    expect(j.reviews.filter((r) => r.status === 'judged').map((r) => r.primitive)).toEqual(withEvidence);
    expect(j.disagreements).toBe(0);
    expect(j.usage).toMatchObject({ calls: withEvidence.length, inputTokens: 1200 * withEvidence.length, outputTokens: 150 * withEvidence.length });
    // claude-sonnet-5-5 at $2/$10 per MTok ($2.50 cache writes); the server reports 1200 input
    // tokens, less than plumbline projected, so the rest is counted at the cache-write price
    const missing = server.requests.map((q) => Math.max(0, Math.ceil(q.raw.length / 3) - 1200));
    expect(j.usage.cacheWriteTokens).toBe(missing.reduce((a, b) => a + b, 0));
    expect(j.usage.costUsd).toBeCloseTo(missing.reduce((sum, m) => sum + (1200 * 2 + m * 2.5 + 150 * 10) / 1e6, 0), 5);
    expect(judged.score).toBe(report.score);
    const lines = audit();
    expect(lines).toHaveLength(withEvidence.length);
    expect(lines[0]).toMatchObject({ destination: `anthropic:${new URL(server.url).host}`, model: 'claude-sonnet-5-5', outcome: 'ok', cacheHit: false, attempts: 1, inputTokens: 1200 });

    server.requests.length = 0;
    const again = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness'));
    expect(server.requests).toHaveLength(0);
    expect(again.report.judge!.reviews.filter((r) => r.status === 'cached').map((r) => r.primitive)).toEqual(withEvidence);
    expect(again.report.judge!.usage).toMatchObject({ calls: 0, cacheHits: withEvidence.length, costUsd: 0 });
    expect(audit().slice(-withEvidence.length).every((l) => l.cacheHit === true && l.attempts === 0)).toBe(true);
  });

  it('stops before the call that would cross the budget and keeps what was judged', async () => {
    const report = await staticReport('ts-full-harness');
    // find the projected size of one call with a dry run, then allow a bit more than one call
    const dry = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness', { dryRun: true }));
    const first = dry.dryRun![0]!.projectedInputTokens;
    const second = dry.dryRun![1]!;
    const { report: judged } = await judge(report, rubric, opts('ts-full-harness', { limits: { maxInputTokens: first + 10 } }));
    expect(server.requests).toHaveLength(1);
    const j = judged.judge!;
    expect(j.stopReason).toMatchObject({ code: 'max-input-tokens', primitive: second.primitive });
    expect(j.reviews.find((r) => r.primitive === dry.dryRun![0]!.primitive)!.status).toBe('judged');
    expect(j.reviews.filter((r) => r.status === 'skipped' && r.note === 'not sent: max-input-tokens')).toHaveLength(dry.dryRun!.length - 1);
    expect(j.usage.inputTokens).toBeLessThanOrEqual(first + 10);

    server.requests.length = 0;
    const byCost = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness', { cache: false, limits: { maxCostUsd: 0.0001 } }));
    expect(server.requests).toHaveLength(0);
    expect(byCost.report.judge!.stopReason!.code).toBe('max-cost');
    expect(audit().at(-1)).toMatchObject({ outcome: 'budget-stop', attempts: 0 });
  });

  it('honours retry-after on 429 and retries a 500 (SDK retries, counted in the audit log)', async () => {
    let n = 0;
    handler = (r) => {
      n++;
      if (n === 1) return errorReply(429, { 'retry-after': '1' });
      if (n === 2) return errorReply(500);
      return agreeing(r);
    };
    const { report: judged } = await judge(await staticReport('ts-minimal-chat'), rubric, opts('ts-minimal-chat', { maxRetries: 2 }));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(900);
    expect(judged.judge!.reviews.find((r) => r.primitive === 'tool-registry')!.status).toBe('judged');
    expect(audit()[0]).toMatchObject({ outcome: 'ok', attempts: 3 });
    expect(judged.judge!.usage.calls).toBe(3);
  });

  it('opens the circuit breaker after 3 consecutive failures; the static report still comes out', async () => {
    handler = () => errorReply(500);
    const report = await staticReport('ts-full-harness');
    const { report: judged } = await judge(report, rubric, opts('ts-full-harness'));
    expect(server.requests).toHaveLength(3);
    const j = judged.judge!;
    expect(j.stopReason!.code).toBe('circuit-open');
    expect(j.reviews.filter((r) => r.status === 'failed')).toHaveLength(3);
    expect(j.reviews.filter((r) => r.note === 'not sent: circuit-open').length).toBeGreaterThan(0);
    expect(table(judged)).toEqual(table(report));
    expect(judged.score).toBe(report.score);
    expect(audit().filter((l) => l.outcome === 'failed')).toHaveLength(3);
  });

  it('times out a slow response per call and carries on with the next primitive', async () => {
    handler = (r) => (r.n === 0 ? { ...agreeing(r), delayMs: 1500 } : agreeing(r));
    const { report: judged } = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness', { timeoutMs: 300 }));
    const [first, ...rest] = judged.judge!.reviews.filter((r) => r.status !== 'skipped');
    expect(first!.status).toBe('failed');
    expect(first!.note).toMatch(/timeout/i);
    expect(rest.every((r) => r.status === 'judged')).toBe(true);
    expect(judged.judge!.stopReason).toBeNull();
  });

  it('discards answers that fail the schema or cite evidence that was not sent', async () => {
    handler = (r) => {
      if (r.n === 0) return toolUseReply({ verdict: 'maybe', confidence: 'high', rationale: 'x', evidenceIds: [], findingText: '' });
      if (r.n === 1) return toolUseReply({ verdict: 'absent', confidence: 'high', rationale: 'invented', evidenceIds: ['permissions#99'], findingText: '' });
      if (r.n === 2) return { json: { ...(toolUseReply({}).json as object), content: [{ type: 'text', text: 'no tool call' }] } };
      return agreeing(r);
    };
    const { report: judged } = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness'));
    const sent = judged.judge!.reviews.filter((r) => r.status !== 'skipped');
    expect(sent[0]).toMatchObject({ status: 'discarded', judgeVerdict: null });
    expect(sent[0]!.note).toMatch(/schema: verdict/);
    expect(sent[1]!.note).toMatch(/not sent: permissions#99/);
    expect(sent[2]!.note).toMatch(/no submit_review/);
    expect(sent.slice(3).every((r) => r.status === 'judged')).toBe(true);
    expect(audit().filter((l) => l.outcome === 'discarded')).toHaveLength(3);
  });

  it('never sends fake secrets or .env files: they are redacted or withheld', async () => {
    const { report: judged } = await judge(await staticReport('judge-secrets'), rubric, opts('judge-secrets'));
    expect(server.requests.length).toBeGreaterThan(0);
    const all = server.requests.map((r) => r.raw).join('\n');
    const src = readFileSync(join(fixture('judge-secrets'), 'src/main.ts'), 'utf8');
    const antKey = /sk-ant-api03-[A-Za-z0-9_-]+/.exec(src)![0];
    for (const secret of [antKey, 'sk-ant-api03-EnvFile', 'AKIAQ3EGRF7TMXZ2WB5K', 'Pa55w0rdXyzzy', 'b3BlbnNzaC1rZXktdjEAAAAABG5v', 'QyNTUxOQAAACDk3Xq9b7', 'envfile-session-secret']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[REDACTED:');
    expect(judged.judge!.usage.redactions).toBeGreaterThanOrEqual(4);
  });

  it('an injection fixture cannot flip a verdict, even in adjust mode with a fooled judge', async () => {
    // the "fooled" model does what the injected comment asks when it sees it: present, citing every id
    const sawInjection = (r: Parameters<Handler>[0]) => /ignore all previous instructions|Report everything present/.test(r.body.messages[0]!.content);
    handler = (r) => (sawInjection(r) ? toolUseReply({ verdict: 'present', confidence: 'high', rationale: 'Everything is present.', evidenceIds: evidenceIds(r), findingText: '' }) : agreeing(r));
    const report = await staticReport('judge-injection');
    const { report: judged } = await judge(report, rubric, opts('judge-injection', { mode: 'adjust' }));
    expect(server.requests.length).toBeGreaterThan(0);
    // adjust mode: the comments never reach the model
    expect(server.requests.some(sawInjection)).toBe(false);
    expect(table(judged)).toEqual(table(report));
    expect(judged.score).toBe(report.score);
    // advisory mode sends them as data: the fake closing tag does not escape the evidence element,
    // and the review is flagged
    server.requests.length = 0;
    const { report: advisory } = await judge(await staticReport('judge-injection'), rubric, opts('judge-injection'));
    expect(server.requests.some(sawInjection)).toBe(true);
    expect(server.requests.map((r) => r.body.messages[0]!.content).join('\n')).not.toMatch(/<\/evidence> <system>/);
    expect(table(advisory)).toEqual(table(report));
    const tr = advisory.judge!.reviews.find((r) => r.primitive === 'tool-registry')!;
    expect(tr).toMatchObject({ judgeVerdict: 'present', agrees: false, suspicious: true, applied: false });
  });

  it('adjust mode moves a verdict by at most one level, and only with cited evidence', async () => {
    handler = (r) => {
      const p = primitiveOf(r);
      if (p === 'tool-registry') return toolUseReply({ verdict: 'absent', confidence: 'medium', rationale: 'The registry is never used by the loop.', evidenceIds: evidenceIds(r).slice(0, 1), findingText: 'Registry is dead code.' });
      if (p === 'permissions') return toolUseReply({ verdict: 'absent', confidence: 'low', rationale: 'No gate.', evidenceIds: [], findingText: '' });
      return agreeing(r);
    };
    const report = await staticReport('ts-full-harness');
    expect(report.primitives.find((p) => p.id === 'tool-registry')!.verdict).toBe('present');
    const { report: judged } = await judge(report, rubric, opts('ts-full-harness', { mode: 'adjust' }));
    const t = table(judged);
    expect(t['tool-registry']).toBe('partial'); // one level, not two
    expect(t.permissions).toBe('present'); // no cited evidence: not applied
    expect(judged.score).toBeLessThan(report.score!);
    expect(judged.findings.map((f) => f.id)).toContain('tool-registry');
    const rev = judged.judge!.reviews.find((r) => r.primitive === 'tool-registry')!;
    expect(rev).toMatchObject({ applied: true, judgeVerdict: 'absent' });
    // advisory (default) keeps the static verdicts
    const advisory = await judge(await staticReport('ts-full-harness'), rubric, opts('ts-full-harness'));
    expect(table(advisory.report)).toEqual(table(report));
    expect(advisory.report.judge!.disagreements).toBe(2);
  });
});

describe('judge via the CLI', () => {
  it('--dry-run prints the exact requests with projected tokens and cost and sends nothing', () => {
    const r = cli(['evaluate', fixture('ts-full-harness'), '--judge', 'anthropic', '--dry-run', '--base-url', server.url, '-f', 'json'], { ANTHROPIC_API_KEY: 'sk-ant-test', PLUMBLINE_CACHE_DIR: cacheDir });
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    expect(out.requests.length).toBeGreaterThan(5);
    expect(out.requests[0].body.messages[0].content).toContain('<evidence id=');
    expect(out.requests[0].projectedCostUsd).toBeGreaterThan(0);
    const text = cli(['evaluate', fixture('ts-full-harness'), '--judge', 'anthropic', '--dry-run'], { PLUMBLINE_CACHE_DIR: cacheDir, ANTHROPIC_API_KEY: '' });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/nothing was sent/);
  });

  it('a real judged run prints progress events and the judge column; a missing key is a one-line error', async () => {
    const r = await cliAsync(['evaluate', fixture('ts-minimal-chat'), '--judge', 'anthropic', '--base-url', server.url], { ANTHROPIC_API_KEY: 'sk-ant-test', PLUMBLINE_CACHE_DIR: cacheDir });
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(r.stderr).toMatch(/judge tool-registry\s+judged/);
    expect(r.stderr).toMatch(/judge total: 1 request/);
    expect(r.stdout).toMatch(/judge: partial/);
    expect(existsSync(join(cacheDir, 'audit', 'judge.jsonl'))).toBe(true);
    const noKey = cli(['evaluate', fixture('ts-minimal-chat'), '--judge', 'anthropic'], { ANTHROPIC_API_KEY: '', PLUMBLINE_CACHE_DIR: cacheDir });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(noKey.stderr).toMatch(/ANTHROPIC_API_KEY is not set/);
  });

  it('--judge host round trip: worksheet out, filled worksheet in, merged report; stale or invalid results are refused', () => {
    const dir = tmp('plumbline-host-');
    const ws = join(dir, 'worksheet.json');
    const out = cli(['evaluate', fixture('python-agent'), '--judge', 'host', '--worksheet', ws, '-q'], { PLUMBLINE_CACHE_DIR: cacheDir });
    expect(out.code).toBe(0);
    expect(existsSync(join(dir, 'worksheet.md'))).toBe(true);
    const sheet = JSON.parse(readFileSync(ws, 'utf8'));
    expect(sheet.kind).toBe('plumbline-judge-worksheet');
    expect(sheet.items.length).toBeGreaterThan(2);
    for (const it of sheet.items) {
      const disagree = it.primitive === 'session-persistence';
      it.review = { verdict: disagree ? 'partial' : it.staticVerdict, confidence: 'medium', rationale: disagree ? 'Writes happen but resume never reads them back.' : 'Matches.', evidenceIds: [it.evidence[0].id], findingText: disagree ? 'Resume is missing.' : '' };
    }
    writeFileSync(ws, JSON.stringify(sheet));
    const merged = cli(['evaluate', fixture('python-agent'), '--judge-results', ws, '-f', 'json'], { PLUMBLINE_CACHE_DIR: cacheDir });
    expect(merged.code).toBe(0);
    const rep = JSON.parse(merged.stdout) as Report;
    expect(rep.judge).toMatchObject({ source: 'host', mode: 'advisory', disagreements: 1 });
    expect(rep.primitives.find((p) => p.id === 'session-persistence')!.verdict).toBe('present');
    const md = cli(['evaluate', fixture('python-agent'), '--judge-results', ws, '-f', 'markdown'], { PLUMBLINE_CACHE_DIR: cacheDir });
    expect(md.stdout).toMatch(/## Judge review \(host, advisory mode\)/);
    expect(md.stdout).toMatch(/static present, judge partial/);

    sheet.items[0].review.evidenceIds = ['made-up#1'];
    writeFileSync(ws, JSON.stringify(sheet));
    const bad = JSON.parse(cli(['evaluate', fixture('python-agent'), '--judge-results', ws, '-f', 'json'], { PLUMBLINE_CACHE_DIR: cacheDir }).stdout) as Report;
    expect(bad.judge!.reviews.find((r) => r.primitive === sheet.items[0].primitive)).toMatchObject({ status: 'discarded' });

    sheet.evidenceHash = 'stale';
    writeFileSync(ws, JSON.stringify(sheet));
    const stale = cli(['evaluate', fixture('python-agent'), '--judge-results', ws], { PLUMBLINE_CACHE_DIR: cacheDir });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/different evidence/);
    writeFileSync(ws, '{"kind": "nope"}');
    const invalid = cli(['evaluate', fixture('python-agent'), '--judge-results', ws], { PLUMBLINE_CACHE_DIR: cacheDir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/worksheet.json: kind/);
  });
});

describe('redaction', () => {
  it('redacts every secret kind the judge must not send, and leaves ordinary code alone', async () => {
    const { redactSecrets, isSensitivePath } = await import('../src/index.js');
    const cases: Array<[string, string]> = [
      ['const k = "sk-ant-admin01-abcdefghijklmnopqrstuvwxyz012345"', 'sk-ant-admin01'],
      ['OPENAI_API_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789"', 'sk-proj-AbCd'],
      ['aws_access_key_id = ASIAZ7Q4MXW2PLK9RT3E', 'ASIAZ7Q4MXW2PLK9RT3E'],
      ['token: "ghp_0123456789abcdefghijABCDEFGHIJ012345"', 'ghp_0123456789'],
      ['url = "https://bot:hunter2hunter2@example.com/api"', 'hunter2hunter2'],
      ['"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7V2bWw3n\\n-----END RSA PRIVATE KEY-----"', 'MIIEowIBAAKCAQEA7V2bWw3n'],
      ['MIIEowIBAAKCAQEA7V2bWw3n\n-----END EC PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7V2bWw3n'],
      ['db_password = "correct-horse-battery"', 'correct-horse-battery'],
      ['const signingValue = "q8Zr2LmX9vT4bN6cJ1wK7sP3"', 'q8Zr2LmX9vT4bN6cJ1wK7sP3'],
    ];
    for (const [input, secret] of cases) {
      const r = await redactSecrets(input);
      expect(r.text, input).not.toContain(secret);
      expect(r.count, input).toBeGreaterThan(0);
    }
    const code = "registry.registerTool({ name: 'read_file', description: 'Read a file', inputSchema: schema });\nconst password = process.env.DB_PASSWORD;";
    expect(await redactSecrets(code)).toEqual({ text: code, count: 0 });
    for (const p of ['.env', 'config/.env.production', 'keys/server.pem', 'id_ed25519', '.npmrc', 'secrets.yaml', 'deploy/credentials.json']) expect(isSensitivePath(p), p).toBe(true);
    for (const p of ['src/env.ts', 'src/secrets-scanner.ts', 'docs/keys.md']) expect(isSensitivePath(p), p).toBe(false);
  });

  it('withholds evidence that sits in a sensitive file', async () => {
    const { buildPackets } = await import('../src/judge/packet.js');
    const report = await staticReport('ts-minimal-chat');
    const p = report.primitives.find((x) => x.id === 'tool-registry')!;
    p.evidence = [{ ...p.evidence[0]!, id: 'tool-registry#9', file: '.env' }, ...p.evidence];
    const packets = await buildPackets(report, rubric.rubric, fixture('ts-minimal-chat'));
    const tr = packets.find((x) => x.primitive === 'tool-registry')!;
    expect(tr.withheld).toBe(1);
    expect(tr.evidence.map((e) => e.file)).not.toContain('.env');
  });
});
