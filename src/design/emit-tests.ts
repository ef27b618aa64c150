import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Plan } from './plan.js';
import type { Report } from '../report/schema.js';
import { PlumblineError, UsageError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';

/**
 * Runnable acceptance tests (issue 13, item 4): one test per acceptance criterion, named after it,
 * with the criterion's given/then as arrange/assert comments, marked todo (vitest) or skip
 * (pytest) until the user fills in the calls. The files import only the test runner, so they are
 * collected before any harness code exists. Criteria come from a plan's phases
 * (`design --emit-tests`) or from an audit's acceptance tests (`evaluate --emit-tests`), which are
 * the rubric's `acceptance` entries (PRIMITIVES.md ids).
 */

/** Languages plumbline writes tests in: vitest for TypeScript/JavaScript, pytest for Python. */
export type TestLanguage = 'typescript' | 'python';

/** One criterion to emit, with the group (phase) it belongs to. */
export interface EmitCriterion {
  group: string;
  name: string;
  given: string;
  then: string;
}

/** A file to write, relative to the output folder. */
export interface EmittedFile {
  file: string;
  content: string;
}

/** First line of every emitted file; a file without it is never overwritten. */
export const EMIT_MARK = 'Acceptance tests written by plumbline';

/** The test language for a brief's stack. @throws UsageError for stacks without a runner here */
export function testLanguageOfStack(stack: string): TestLanguage {
  if (stack === 'typescript') return 'typescript';
  if (stack === 'python') return 'python';
  throw new UsageError(`--emit-tests writes vitest (typescript) or pytest (python) files; this plan's stack is ${stack}`);
}

/**
 * The test language of an audited repository: the larger of its TypeScript+JavaScript and its
 * Python file counts. @throws UsageError when it has neither
 */
export function testLanguageOfReport(report: Report): TestLanguage {
  const l = report.target.languages;
  const ts = (l.typescript ?? 0) + (l.javascript ?? 0);
  const py = l.python ?? 0;
  if (!ts && !py) throw new UsageError(`--emit-tests writes vitest or pytest files; ${report.target.name} has no TypeScript, JavaScript or Python files`);
  return py > ts ? 'python' : 'typescript';
}

/** The criteria of a plan, grouped by phase title, in plan order. */
export function criteriaOfPlan(plan: Plan): EmitCriterion[] {
  return plan.phases.flatMap((ph) => ph.acceptance.map((a) => ({ group: ph.title, name: a.name, given: a.given, then: a.then })));
}

/** The acceptance tests of an audit, grouped by the upgrade phase of their finding. */
export function criteriaOfReport(report: Report): EmitCriterion[] {
  const phaseOf = new Map(report.upgradePath.flatMap((ph) => ph.findings.map((f) => [f, ph.title] as const)));
  return report.acceptanceTests.map((a) => ({ group: phaseOf.get(a.finding) ?? a.finding, name: a.name, given: a.given, then: a.then }));
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** `a refund of "200 USD"` -> `a_refund_of_200_usd`; unique within `seen`. */
function pyName(name: string, seen: Set<string>): string {
  const base = `test_${oneLine(name).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'criterion'}`;
  let n = base;
  for (let i = 2; seen.has(n); i++) n = `${base}_${i}`;
  seen.add(n);
  return n;
}

/** A Python string literal (double-quoted, escaped). */
const pyStr = (s: string) => `"${oneLine(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The test file(s) for these criteria.
 * @param title what the tests are for (a product or repository name), shown in the header
 * @param slug file-name stem
 */
export function emitTests(criteria: EmitCriterion[], language: TestLanguage, title: string, slug: string, source: string): EmittedFile[] {
  const stem = slug.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'harness';
  const groups = [...new Set(criteria.map((c) => c.group))];
  if (language === 'typescript') {
    const lines = [
      `// ${EMIT_MARK} from ${oneLine(source)}: ${oneLine(title)}.`,
      '// One test per acceptance criterion. Each is a todo: write the arrange and assert steps with',
      '// calls into your harness, then change it.todo to it.',
      "import { describe, it } from 'vitest';",
    ];
    for (const g of groups) {
      lines.push('', `describe(${JSON.stringify(oneLine(g))}, () => {`);
      for (const c of criteria.filter((x) => x.group === g)) {
        lines.push(`  it.todo(${JSON.stringify(oneLine(c.name))}, () => {`, `    // arrange: given ${oneLine(c.given)}`, `    // assert: then ${oneLine(c.then)}`, '  });');
      }
      lines.push('});');
    }
    return [{ file: `${stem}.acceptance.test.ts`, content: lines.join('\n') + '\n' }];
  }
  const seen = new Set<string>();
  const lines = [
    `# ${EMIT_MARK} from ${oneLine(source)}: ${oneLine(title)}.`,
    '# One test per acceptance criterion. Each is skipped until you write the arrange and assert',
    '# steps with calls into your harness and remove the skip mark.',
    'import pytest',
    '',
    'TODO = "todo: write the arrange and assert steps with calls into the harness"',
  ];
  for (const g of groups) {
    lines.push('', '', `# ${oneLine(g)}`);
    for (const c of criteria.filter((x) => x.group === g)) {
      lines.push('', '', '@pytest.mark.skip(reason=TODO)', `def ${pyName(c.name, seen)}() -> None:`, `    ${pyStr(c.name)}`, `    # arrange: given ${oneLine(c.given)}`, `    # assert: then ${oneLine(c.then)}`);
    }
  }
  return [{ file: `test_${stem.replace(/-/g, '_')}_acceptance.py`, content: lines.join('\n') + '\n' }];
}

/** realpath of a path, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realish(parent), abs.slice(parent.length + 1));
}

/**
 * Resolves the output folder and refuses one inside the audited repository: plumbline never
 * writes inside its target. @throws UsageError
 */
export function checkEmitDir(dir: string, target?: string): string {
  const out = realish(dir);
  if (target !== undefined) {
    const t = realish(target);
    const rel = relative(t, out);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new UsageError(`--emit-tests ${dir}: the folder is inside the audited repository ${target}; plumbline never writes there, so choose a folder outside it`);
  }
  return out;
}

/**
 * Writes the files into `dir`, each atomically. Refuses, before writing anything, a file that
 * exists and was not written by plumbline. @returns the paths written
 * @throws UsageError (a foreign file) or PlumblineError (an fs error, one line)
 */
export function writeEmitted(dir: string, files: EmittedFile[]): string[] {
  const paths = files.map((f) => join(dir, f.file));
  for (const p of paths) {
    if (existsSync(p) && !readFileSync(p, 'utf8').slice(0, 200).includes(EMIT_MARK)) throw new UsageError(`--emit-tests: ${p} exists and was not written by plumbline; choose another folder`);
  }
  try {
    files.forEach((f, i) => writeFileAtomic(paths[i]!, f.content));
  } catch (err) {
    throw new PlumblineError(`--emit-tests: cannot write in ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return paths;
}
