import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cli, fixture, tmp } from './helpers.js';
import { loadRubric } from '../src/index.js';
import { readBriefFile } from '../src/design/brief.js';
import { planFromBrief } from '../src/design/planner.js';
import { criteriaOfPlan, emitTests } from '../src/design/emit-tests.js';

const { rubric } = loadRubric();
const brief = (name: string) => join(ROOT, 'fixtures', 'briefs', `${name}.yaml`);
const criteria = (name: string) => criteriaOfPlan(planFromBrief(readBriefFile(brief(name)), rubric)).map((c) => c.name);

/** Runs the project's own vitest on a folder outside the repository; returns its JSON result. */
function vitestJson(dir: string): { numTotalTests: number; numTodoTests: number; testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }> } {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--reporter=json'], { encoding: 'utf8', cwd: dir, env: { ...process.env, CI: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
}

/** pytest, when this machine has it (PyPI is not reachable here, so it cannot be installed on demand). */
const pytest = ['pytest', 'python3'].map((bin) => (bin === 'pytest' ? ['pytest'] : [bin, '-m', 'pytest'])).find((cmd) => spawnSync(cmd[0]!, [...cmd.slice(1), '--version'], { encoding: 'utf8' }).status === 0);
if (!pytest) {
  process.stderr.write(
    process.env.CI
      ? 'emit-tests: pytest is not installed and cannot be installed here (pip cannot reach PyPI from this machine); the pytest collection test is skipped\n'
      : 'emit-tests: pytest not found; the pytest collection test is skipped (install pytest to run it)\n',
  );
}

describe('design --emit-tests: one todo test per acceptance criterion, named after it', () => {
  it('TypeScript brief: vitest collects every criterion as a todo, grouped by phase, importing only vitest', () => {
    const dir = tmp('plumbline-emit-ts-');
    const r = cli(['design', '--brief', brief('refund-support-chat'), '--emit-tests', dir, '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('Refundly'); // the plan is still the output
    expect(readdirSync(dir)).toEqual(['refundly.acceptance.test.ts']);
    const text = readFileSync(join(dir, 'refundly.acceptance.test.ts'), 'utf8');
    expect([...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['vitest']);
    expect(text).toContain("    // arrange: given a request to refund an order for 150 USD, below the 200 USD threshold\n    // assert: then it runs without asking anyone");
    const expected = criteria('refund-support-chat');
    const result = vitestJson(dir);
    const tests = result.testResults.flatMap((f) => f.assertionResults);
    expect(tests.map((t) => t.title)).toEqual(expected);
    expect(tests.every((t) => t.status === 'todo')).toBe(true);
    expect(result.numTodoTests).toBe(expected.length);
  });

  it.skipIf(!pytest)('Python brief: pytest --collect-only finds one skipped test per criterion, importing only pytest', () => {
    const dir = tmp('plumbline-emit-py-');
    expect(cli(['design', '--brief', brief('nightly-data-pipeline'), '--emit-tests', dir, '-q']).code).toBe(0);
    const [file] = readdirSync(dir);
    expect(file).toBe('test_nightly_ledger_acceptance.py');
    const text = readFileSync(join(dir, file!), 'utf8');
    expect([...text.matchAll(/^(?:import|from) (\S+)/gm)].map((m) => m[1])).toEqual(['pytest']);
    const expected = criteria('nightly-data-pipeline');
    for (const name of expected) expect(text).toContain(`    ${JSON.stringify(name)}\n`);
    const collect = spawnSync(pytest![0]!, [...pytest!.slice(1), '--collect-only', '-q', '-p', 'no:cacheprovider', dir], { encoding: 'utf8', cwd: dir });
    expect(collect.status, collect.stdout + collect.stderr).toBe(0);
    const ids = collect.stdout.split('\n').filter((l) => l.includes('::'));
    expect(ids).toHaveLength(expected.length);
    expect(ids).toContain(`${file}::test_a_pending_approval_expires_unused`);
    const runAll = spawnSync(pytest![0]!, [...pytest!.slice(1), '-q', '-p', 'no:cacheprovider', dir], { encoding: 'utf8', cwd: dir });
    expect(runAll.stdout).toMatch(new RegExp(`${expected.length} skipped`));
  });

  it('names stay unique and escaped: quotes, backslashes and repeated names', () => {
    const tricky = [
      { group: 'g "1"', name: 'a "quoted" \\ name', given: 'x\ny', then: 'z' },
      { group: 'g "1"', name: 'a "quoted" \\ name', given: 'x', then: 'z' },
    ];
    const py = emitTests(tricky, 'python', 'T', 'T', 'test')[0]!.content;
    expect(py).toContain('def test_a_quoted_name() -> None:');
    expect(py).toContain('def test_a_quoted_name_2() -> None:');
    expect(py).toContain('    "a \\"quoted\\" \\\\ name"');
    expect(py).toContain('# arrange: given x y');
    const ts = emitTests(tricky, 'typescript', 'T', 'T', 'test')[0]!.content;
    expect(ts).toContain('it.todo("a \\"quoted\\" \\\\ name", () => {');
  });

  it('refuses a stack without a runner here, and a file it did not write; writes nothing then', () => {
    const dir = tmp('plumbline-emit-go-');
    const go = cli(['design', '--brief', brief('swarm-without-reason'), '--emit-tests', dir]);
    expect(go.code).toBe(2);
    expect(go.stderr).toMatch(/^plumbline: --emit-tests writes vitest \(typescript\) or pytest \(python\) files; this plan's stack is go\n$/);
    expect(go.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, 'refundly.acceptance.test.ts'), '// my own tests\n');
    const foreign = cli(['design', '--brief', brief('refund-support-chat'), '--emit-tests', dir]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/exists and was not written by plumbline/);
    expect(readFileSync(join(dir, 'refundly.acceptance.test.ts'), 'utf8')).toBe('// my own tests\n');
  });
});

describe('evaluate --emit-tests: the findings in the repository language, never inside the target', () => {
  it('a TypeScript fixture gets vitest todos for its findings; a Python fixture gets pytest tests', () => {
    const ts = tmp('plumbline-emit-ev-ts-');
    const r = cli(['evaluate', fixture('ts-minimal-chat'), '--emit-tests', ts, '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { acceptanceTests: Array<{ name: string }> };
    const tests = vitestJson(ts).testResults.flatMap((f) => f.assertionResults);
    expect(tests.map((t) => t.title).sort()).toEqual(report.acceptanceTests.map((a) => a.name).sort());
    expect(tests.every((t) => t.status === 'todo')).toBe(true);
    const py = tmp('plumbline-emit-ev-py-');
    expect(cli(['evaluate', fixture('python-agent'), '--emit-tests', py, '-q']).code).toBe(0);
    expect(readdirSync(py)).toEqual(['test_python_agent_acceptance.py']);
  });

  it('refuses a folder inside the audited repository: one line, exit 2, nothing written', () => {
    const inside = join(fixture('ts-minimal-chat'), 'acceptance');
    const out = join(tmp('plumbline-emit-out-'), 'report.json');
    const r = cli(['evaluate', fixture('ts-minimal-chat'), '--emit-tests', inside, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^plumbline: --emit-tests .*: the folder is inside the audited repository .*; plumbline never writes there, so choose a folder outside it\n$/);
    expect(existsSync(inside)).toBe(false);
    expect(existsSync(out)).toBe(false);
    const target = tmp('plumbline-emit-target-');
    mkdirSync(join(target, 'src'));
    expect(cli(['evaluate', target, '--emit-tests', target]).code).toBe(2);
  });

  it('a repository that is not an agent harness has no findings: nothing is written', () => {
    const dir = tmp('plumbline-emit-none-');
    const r = cli(['evaluate', fixture('ts-webapp-not-agent'), '--emit-tests', dir, '-f', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no findings, so no acceptance tests were written/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
