import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import { ROOT, cli, fixture, tmp } from './helpers.js';
import { loadRubric, type Report } from '../src/index.js';
import { renderSarif } from '../src/report/sarif.js';

const sarifSchema = JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
const CHROMIUM = process.env.PLUMBLINE_CHROMIUM ?? '/usr/bin/chromium';
/** How a fresh Debian/Ubuntu machine gets the browser the HTML test drives (what .ci/run does). */
const CHROMIUM_INSTALL = 'sudo apt-get install -y --no-install-recommends chromium';

/** A copy of a fixture in a temp dir (so tests can add config files and edit code). */
function copy(name: string): string {
  const dir = join(tmp('plumbline-rep-'), name);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}
const json = (args: string[], env: Record<string, string> = {}) => {
  const r = cli([...args, '-f', 'json'], env);
  return { ...r, report: r.code === 0 || r.code === 1 ? (JSON.parse(r.stdout) as Report) : undefined };
};

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema, one rule per primitive, results anchored in the repository', () => {
    // the published schema has a pattern that is not valid in unicode mode
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    for (const name of ['ts-minimal-chat', 'ts-full-harness', 'html-injection', 'python-agent']) {
      const r = cli(['evaluate', fixture(name), '-f', 'sarif']);
      expect(r.code, name).toBe(0);
      const sarif = JSON.parse(r.stdout);
      expect(validate(sarif), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      const run = sarif.runs[0];
      // 12 primitives and the 6 extended checks, each its own rule, crosswalk ids as tags
      expect(run.tool.driver.rules).toHaveLength(18);
      expect(run.tool.driver.rules.filter((x: { properties: { tags: string[] } }) => x.properties.tags.includes('extended'))).toHaveLength(6);
      expect(run.tool.driver.rules.find((x: { id: string }) => x.id === 'permissions').properties.tags).toEqual(expect.arrayContaining(['12-factor-agents/factor-07', 'owasp-agentic/ASI02']));
      expect(run.tool.driver.rules.find((x: { id: string }) => x.id === 'layered-memory').properties.tags).toContain('owasp-agentic/ASI06');
      expect(run.tool.driver.rules.every((x: { properties: Record<string, string> }) => Number(x.properties['security-severity']) > 0)).toBe(true);
      for (const res of run.results) {
        expect(res.partialFingerprints['plumbline/v1']).toMatch(/^[0-9a-f]{20}$/);
        const loc = res.locations[0].physicalLocation;
        expect(loc.artifactLocation.uri).not.toMatch(/^\//);
        expect(loc.region.startLine).toBeGreaterThan(0);
      }
    }
    const chat = JSON.parse(cli(['evaluate', fixture('ts-minimal-chat'), '-f', 'sarif']).stdout).runs[0];
    const absent = chat.results.find((x: { ruleId: string }) => x.ruleId === 'permissions');
    expect(absent.level).toBe('error');
    // an absent primitive is anchored where the harness model says the fix belongs (tool execution)
    expect(absent.message.text).toMatch(/The fix belongs where tools execute: src\/main\.ts:28\./);
    expect(absent.properties.fixAt).toBe('where tools execute: src/main.ts:28');
    expect(absent.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'fixtures/ts-minimal-chat/src/main.ts' }, region: { startLine: 28 } });
    // with no landmark to name, it falls back to the harness entry point
    const json = JSON.parse(cli(['evaluate', fixture('ts-minimal-chat'), '-f', 'json']).stdout) as Report;
    for (const p of json.primitives) delete p.fixAt;
    const noFix = JSON.parse(renderSarif(json, loadRubric().rubric)).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'permissions');
    expect(noFix.message.text).toMatch(/anchored on the harness entry point src\/main\.ts/);
    // a partial verdict's message carries its chain from the loop
    const partialPerm = JSON.parse(cli(['evaluate', fixture('python-agent'), '-f', 'sarif']).stdout).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'permissions');
    expect(partialPerm.message.text).toMatch(/Chain: loop .+ → .+agent\/loop\.py:39\)\./);
    expect(partialPerm.properties.chain).toMatch(/^loop /);
    // locations are relative to the git repository root (this repository)
    const partial = chat.results.find((x: { ruleId: string }) => x.ruleId === 'tool-registry');
    expect(partial.locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/ts-minimal-chat/src/main.ts');
  });
});

describe('HTML report in headless Chromium', () => {
  it('renders the chart and the findings, makes no network request and runs no injected script', async (ctx) => {
    // a fresh machine without Chromium skips (and says how to install it); CI must run it
    if (!existsSync(CHROMIUM)) {
      const how = `Chromium is missing at ${CHROMIUM} (set PLUMBLINE_CHROMIUM to another binary); install it with: ${CHROMIUM_INSTALL}`;
      if (process.env.CI) expect.fail(`CI is set and ${how}`);
      process.stderr.write(`\nplumbline test: skipped the HTML browser test: ${how}\n`);
      ctx.skip(how);
    }
    const out = join(ROOT, 'test', '.tmp');
    mkdirSync(out, { recursive: true });
    const file = join(out, 'html-injection.html');
    const r = cli(['evaluate', fixture('html-injection'), '-f', 'html', '-o', file]);
    expect(r.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    const report = JSON.parse(cli(['evaluate', fixture('html-injection'), '-f', 'json']).stdout) as Report;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
      page.on('pageerror', (e) => errors.push(String(e)));
      const url = pathToFileURL(file).href;
      await page.goto(url);
      await page.waitForLoadState('load');
      expect(await page.locator('#chart rect.bar').count()).toBe(12);
      // the harness map: entry, loop, model call, tool execution and tool definitions
      expect(await page.locator('#harness-map g.landmark').count()).toBe(5);
      expect(await page.locator('#harness-map g.landmark', { hasText: 'agent loop' }).textContent()).toContain(report.harness.loops[0]!.name);
      expect(await page.locator('#chart rect[data-primitive="tool-registry"]').getAttribute('data-verdict')).toBe('partial');
      expect(await page.locator('.finding').count()).toBe(report.findings.length);
      expect(await page.locator('[data-testid=score]').textContent()).toBe(String(report.score));
      // the markup in the file name and the snippet is shown as text
      expect(await page.locator('a.evidence', { hasText: '<img src=x onerror=alert(1)>.ts' }).count()).toBeGreaterThan(0);
      expect(await page.getByText('<script>window.__pwned = 1</script>', { exact: false }).count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(await page.locator('script').count()).toBe(0);
      expect(requests).toEqual([url]);
      await page.screenshot({ path: join(out, 'html-report.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('config discovery', () => {
  it('takes the first file of the ordered list, package.json#plumbline last; flags override it', () => {
    const dir = copy('ts-minimal-chat');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, plumbline: { minScore: 90 } }));
    expect(cli(['evaluate', dir, '-q']).code).toBe(1); // package.json#plumbline: score below 90
    writeFileSync(join(dir, '.plumblinerc'), 'minScore: 0\nfailOn: critical\n');
    expect(cli(['evaluate', dir, '-q']).code).toBe(0); // .plumblinerc wins over package.json
    writeFileSync(join(dir, 'plumbline.config.yaml'), 'failOn: high\n');
    expect(cli(['evaluate', dir, '-q']).code).toBe(1); // plumbline.config.yaml wins over .plumblinerc
    writeFileSync(join(dir, 'plumbline.config.json'), JSON.stringify({ format: 'markdown' }));
    const md = cli(['evaluate', dir]);
    expect(md.code).toBe(0); // plumbline.config.json wins: no gate configured there
    expect(md.stdout).toMatch(/^# plumbline report/);
    expect(cli(['evaluate', dir, '-f', 'json']).stdout).toMatch(/^\{/); // the flag overrides the config
    expect(cli(['evaluate', dir, '--no-config', '--fail-on', 'high', '-q']).code).toBe(1);
    expect(cli(['evaluate', dir, '--config', join(dir, 'plumbline.config.yaml'), '-q']).code).toBe(1);
  });

  it('invalid config files are one-line errors naming the file and the field (exit 2)', () => {
    const dir = copy('ts-minimal-chat');
    writeFileSync(join(dir, 'plumbline.config.json'), JSON.stringify({ failOn: 'sometimes', colour: true }));
    const r = cli(['evaluate', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plumbline\.config\.json: failOn: /);
    expect(r.stderr).toMatch(/plumbline\.config\.json: \(root\): Unrecognized key/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(join(dir, 'plumbline.config.json'), '{ not json');
    expect(cli(['evaluate', dir]).stderr).toMatch(/plumbline\.config\.json: not valid JSON/);
    rmSync(join(dir, 'plumbline.config.json'));
    writeFileSync(join(dir, '.plumblinerc.yaml'), 'suppressions:\n  - primitive: permissions\n');
    const noReason = cli(['evaluate', dir]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/\.plumblinerc\.yaml: suppressions\.0\.reason/);
  });

  it('.plumblineignore uses gitignore syntax', () => {
    const dir = copy('judge-secrets');
    expect(json(['evaluate', dir]).report!.primitives.find((p) => p.id === 'tool-registry')!.verdict).toBe('present');
    writeFileSync(join(dir, '.plumblineignore'), '# leave the agent out\nsrc/*.ts\n');
    const r = json(['evaluate', dir]).report!;
    expect(r.target.files).toBeLessThan(4);
    expect(r.primitives.find((p) => p.id === 'tool-registry')!.verdict).toBe('absent');
  });
});

describe('suppressions', () => {
  it('a comment with a reason suppresses (still visible); without a reason it is ignored and reported', () => {
    const dir = copy('ts-minimal-chat');
    const main = join(dir, 'src', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8') + '\n// plumbline-ignore permissions -- every tool is read-only; revisit with the first write tool\n// plumbline-ignore token-budget\n// plumbline-ignore no-such-primitive -- typo\n');
    expect(cli(['evaluate', fixture('ts-minimal-chat'), '--fail-on', 'high', '-q']).code).toBe(1); // permissions is the high finding
    const r = cli(['evaluate', dir, '-f', 'json', '--fail-on', 'high']);
    const rep = JSON.parse(r.stdout) as Report;
    const perm = rep.findings.find((f) => f.id === 'permissions')!;
    expect(perm.suppressed).toEqual({ by: 'comment', reason: 'every tool is read-only; revisit with the first write tool', file: 'src/main.ts', line: expect.any(Number) });
    expect(rep.findings.find((f) => f.id === 'token-budget')!.suppressed).toBeUndefined();
    expect(rep.suppressions!.applied).toBe(1);
    expect(rep.suppressions!.invalid.map((i) => i.problem)).toEqual([expect.stringMatching(/token-budget has no reason/), expect.stringMatching(/unknown primitive "no-such-primitive"/)]);
    expect(r.stderr).toMatch(/suppression ignored: src\/main\.ts:\d+: suppression of token-budget has no reason/);
    // permissions, the only high finding, is suppressed: the gate passes
    expect(r.code).toBe(0);
    const text = cli(['evaluate', dir, '-f', 'sarif']);
    const res = JSON.parse(text.stdout).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'permissions');
    expect(res.suppressions).toEqual([{ kind: 'inSource', justification: 'every tool is read-only; revisit with the first write tool' }]);
  });

  it('config suppressions need a reason and apply like comments', () => {
    const dir = copy('ts-minimal-chat');
    writeFileSync(join(dir, 'plumbline.config.yaml'), 'suppressions:\n  - primitive: permissions\n    reason: read-only tools only\n');
    const rep = json(['evaluate', dir]).report!;
    expect(rep.findings.find((f) => f.id === 'permissions')!.suppressed).toMatchObject({ by: 'config', reason: 'read-only tools only' });
  });
});

describe('baselines', () => {
  it('round trip: only gaps that are not in the baseline fail the gate, whatever their line numbers', () => {
    const dir = copy('ts-minimal-chat');
    const base = join(tmp('plumbline-base-'), 'baseline.json');
    const main = join(dir, 'src', 'main.ts');
    const first = cli(['evaluate', dir, '--write-baseline', base, '--fail-on', 'low', '-q']);
    expect(first.code).toBe(1);
    const baseline = JSON.parse(readFileSync(base, 'utf8'));
    expect(baseline.findings).toHaveLength(12); // 11 absent + tool-registry partial
    expect(baseline.findings.find((f: { id: string }) => f.id === 'tool-registry').verdict).toBe('partial');
    // the same gaps with the code moved around: the baseline keeps the gate green
    writeFileSync(main, '\n\n\n' + readFileSync(main, 'utf8'));
    expect(cli(['evaluate', dir, '--baseline', base, '--fail-on', 'low', '-q']).code).toBe(0);
    // a gap that gets worse (tool-registry partial -> absent) is new, and only it is named
    let src = readFileSync(main, 'utf8');
    src = src.slice(0, src.indexOf('const tools: OpenAI.ChatCompletionTool[] = [')) + 'const tools: OpenAI.ChatCompletionTool[] = await fetchRemoteTools();\ndeclare function fetchRemoteTools(): Promise<OpenAI.ChatCompletionTool[]>;\ndeclare function remoteCall(name: string, args: Record<string, string>): string;\n' + src.slice(src.indexOf('const rl ='));
    writeFileSync(main, src.replace('callTool(call.function.name', 'remoteCall(call.function.name'));
    const r = json(['evaluate', dir, '--baseline', base, '--fail-on', 'low']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gate failed: 1 finding\(s\) at low or worse: tool-registry$/m);
    const states = Object.fromEntries(r.report!.findings.map((f) => [f.id, f.baseline]));
    expect(states['tool-registry']).toBe('new');
    expect(states.permissions).toBe('unchanged');
    writeFileSync(base, '{"kind": "plumbline-baseline"}');
    const bad = cli(['evaluate', dir, '--baseline', base]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/baseline\.json: version/);
  });
});

describe('frameworks, origins, extended checks and crosswalk in every format (issue 15)', () => {
  it('names the framework, the origin of each verdict, the extended section and the crosswalk', () => {
    const target = fixture('ts-vercel-ai-chat');
    const text = cli(['evaluate', target, '-f', 'text']).stdout;
    expect(text).toContain('Built on: Vercel AI SDK (app/api/chat/route.ts:7 streamText)');
    expect(text).toMatch(/permissions .* from framework:vercel-ai/);
    expect(text).toMatch(/Extended checks: \d+\/100 .*not part of the score above/);
    expect(text).toContain('12-factor 7 · ASI02, ASI03, ASI09');
    const md = cli(['evaluate', target, '-f', 'markdown']).stdout;
    expect(md).toContain('Built on: Vercel AI SDK');
    expect(md).toMatch(/\| `permissions` \|.*\| framework:vercel-ai \| 12-factor 7 · ASI02, ASI03, ASI09 \|/);
    expect(md).toContain('## Extended checks');
    const html = cli(['evaluate', target, '-f', 'html']).stdout;
    expect(html).toContain('data-testid="frameworks"');
    expect(html).toMatch(/<tr data-primitive="permissions">.*framework:vercel-ai/);
    expect(html).toContain('<tr data-check="command-safety">');
    const sarif = JSON.parse(cli(['evaluate', target, '-f', 'sarif']).stdout);
    const run = sarif.runs[0];
    expect(run.properties.frameworks).toEqual(['vercel-ai']);
    expect(run.results.find((x: { ruleId: string }) => x.ruleId === 'permissions').properties.origin).toBe('framework:vercel-ai');
    const ext = run.results.find((x: { ruleId: string }) => x.ruleId === 'command-safety');
    expect(ext.properties.group).toBe('extended');
    expect(run.tool.driver.rules[ext.ruleIndex].id).toBe('command-safety');
    const { report } = json(['evaluate', target]);
    expect(report!.primitives.find((p) => p.id === 'permissions')!.evidence[0]).toMatchObject({ origin: 'framework:vercel-ai', relation: 'framework' });
  });
});
