import { describe, expect, test } from 'vitest';
import { extractTypeScript, scanTestFile } from '../src/extract/typescript.js';
import { extractPython } from '../src/extract/python.js';
import { extractRust } from '../src/extract/rust.js';
import { extractGo } from '../src/extract/go.js';
import type { Fact } from '../src/extract/types.js';
import { scanImports } from '../src/extract/index.js';

const has = (facts: Fact[], k: string, v: string) => facts.some((f) => f.k === k && f.v === v);

describe('TypeScript front end', () => {
  test('tool definitions, discriminated unions, calls and comments', () => {
    const { facts, imports } = extractTypeScript('a.ts', `
      import Anthropic from '@anthropic-ai/sdk';
      // registerTool in a comment is not a fact
      interface Start { type: 'message_start' }
      type Ev = Start | { type: 'text_delta'; text: string } | { type: 'error' };
      const t = { name: 'bash', description: 'run', parameters: {} };
      registry.registerTool(t);
    `);
    expect(imports).toEqual(['@anthropic-ai/sdk']);
    expect(has(facts, 'tooldef', 'bash')).toBe(true);
    expect(has(facts, 'union', 'Ev:message_start|text_delta|error')).toBe(true);
    expect(has(facts, 'call', 'registry.registerTool')).toBe(true);
    expect(facts.filter((f) => f.v === 'registerTool' || f.v.endsWith('.registerTool')).map((f) => f.l)).toEqual([7]);
  });

  test('syntax errors are tolerated', () => {
    const { facts } = extractTypeScript('b.ts', 'export function broken( {\n const x = ;\n class Y { run() {} }');
    expect(facts.length).toBeGreaterThan(0);
  });
});

describe('what the extract stage reads and keeps (issue 16)', () => {
  test('JSDoc comments are not parsed, and the facts are the same as with them', () => {
    const text = [
      '/** Runs the tool. @param {string} name the tool @returns {Promise<void>} */',
      'export async function runTool(name: string) {',
      '  /** @type {number} */ const n = await registry.lookup(name, { type: "x" });',
      '  return execute(n);',
      '}',
    ].join('\n');
    expect(extractTypeScript('a.ts', text)).toEqual(extractTypeScript('a.ts', text, undefined, { jsDoc: true }));
  });

  test('a test file is parsed only when a test title can match, and then for its titles alone', async () => {
    const { loadRubric } = await import('../src/rubric/load.js');
    const { buildPrefilter } = await import('../src/extract/prefilter.js');
    const tests = buildPrefilter(loadRubric().rubric, { tests: true });
    expect(tests.titlesOnly).toBe(true);
    // "permission" in the body, not in a title: nothing a signal reads
    expect(tests.test("it('formats a date', () => { expect(permission).toBe(1); });", 'typescript')).toBe(false);
    expect(tests.test("describe.each([1])(\n  'denies a destructive command', () => {});", 'typescript')).toBe(true);
    expect(tests.test('def test_budget_is_exceeded():\n    pass', 'python')).toBe(true);
    const r = extractTypeScript('t.test.ts', "import { x } from './x';\nit('denies rm -rf', () => { expect(x.run()).toBe(1); });", undefined, { titlesOnly: true });
    expect(r.facts.map((f) => `${f.k}:${f.v}:${f.l}`)).toEqual(['import:./x:1', 'call:it:2', 'test:denies rm -rf:2', 'call:expect.toBe:2', 'call:expect:2', 'call:x.run:2']);
    expect(r.decls).toEqual([]);
  });

  test('a Python/Go/Rust test file is parsed only in the units whose titles can match; its titles and imports are kept', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadRubric } = await import('../src/rubric/load.js');
    const { buildPrefilter } = await import('../src/extract/prefilter.js');
    const { buildFactFilter } = await import('../src/extract/keep.js');
    const { extractAll } = await import('../src/extract/index.js');
    const { extractSyntax } = await import('../src/extract/syntax.js');
    const { rubric } = loadRubric();
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tests-'));
    try {
      const text = [
        'import os',
        'from agent.policy import Policy',
        '',
        'class TestFormatting:',
        '    def test_formats_a_date(self):',
        '        assert os.path.join("a", "b")',
        '',
        'class TestPolicy:',
        '    def test_permission_is_denied_for_rm(self):',
        '        assert Policy().check("rm -rf /") is False',
        '',
      ].join('\n');
      mkdirSync(join(dir, 'tests'));
      writeFileSync(join(dir, 'tests', 'test_policy.py'), text);
      const filter = buildFactFilter(rubric);
      const plan = { prefilter: buildPrefilter(rubric), testPrefilter: buildPrefilter(rubric, { tests: true }), filter };
      const file = { path: 'tests/test_policy.py', language: 'python' as const, role: 'test' as const, size: text.length, mtimeMs: 0 };
      const { files } = await extractAll(dir, [file], plan, new Map(), { excluded: 0, tooLarge: 0, binary: 0, nonUtf8: 0, symlink: 0, unreadable: 0, empty: 0 });
      const facts = files[0]!.facts;
      const whole = await extractSyntax('python', text, file.path, undefined, filter.forFile('test', 'python'));
      // the kept facts are those of the whole parse, but for the unit no title of which can match
      expect(facts.facts.filter((f) => f.k === 'test').map((f) => `${f.v}:${f.l}`)).toEqual(['test_permission_is_denied_for_rm:9']);
      expect(facts.imports).toEqual(whole.imports);
      expect(facts.facts).toEqual(whole.facts.filter((f) => f.l < 4 || f.l > 6));
      // the formatting class was never parsed: no declaration of it
      expect(whole.decls!.map((d) => d.n)).toContain('TestFormatting');
      expect(facts.decls!.map((d) => d.n)).toEqual(['TestPolicy', 'test_permission_is_denied_for_rm']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a code file\'s text is read when asked, from a getter every code file shares (issue 16)', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { buildPrefilter } = await import('../src/extract/prefilter.js');
    const { extractAll } = await import('../src/extract/index.js');
    const { loadRubric } = await import('../src/rubric/load.js');
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tests-'));
    try {
      writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
      writeFileSync(join(dir, 'b.py'), 'b = 2\n');
      writeFileSync(join(dir, 'c.yaml'), 'c: 3\n');
      const scanned = ['a.ts', 'b.py', 'c.yaml'].map((path, i) => ({ path, language: (['typescript', 'python', 'config'] as const)[i]!, role: (['source', 'source', 'config'] as const)[i]!, size: 6, mtimeMs: 0 }));
      const skipped = { excluded: 0, tooLarge: 0, binary: 0, nonUtf8: 0, symlink: 0, unreadable: 0, empty: 0 };
      const { files } = await extractAll(dir, scanned, buildPrefilter(loadRubric().rubric), new Map(), skipped);
      const [a, b, c] = files;
      // the own properties are those of `{ ...file, hash, facts }`, in that order; no text among them
      for (const f of files) expect(Object.keys(f)).toEqual(['path', 'language', 'role', 'size', 'mtimeMs', 'hash', 'facts']);
      expect(a!.text).toBe('export const a = 1;\n');
      expect(b!.text).toBe('b = 2\n');
      expect(c!.text).toBeUndefined();
      expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
      expect(Object.getOwnPropertyDescriptor(a, 'text')).toBeUndefined();
      // a file rewritten with other content and extracted again gives its new text, never the last one read
      writeFileSync(join(dir, 'a.ts'), 'export const a = 2;\n');
      const again = await extractAll(dir, [scanned[0]!], buildPrefilter(loadRubric().rubric), new Map(), skipped);
      expect(again.files[0]!.text).toBe('export const a = 2;\n');
      expect(a!.hash).not.toBe(again.files[0]!.hash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the lexical reading of a test file gives the titles and imports the titles-only parse gives', () => {
    const text = [
      "import type { A } from './a';",
      "import def, { b as c } from \"./b\";",
      "import './side-effect';",
      "export * from './d';",
      "export { e } from './e';",
      'import M = require("m");',
      '/* it("in a comment") */ // test("in a line comment")',
      "const s = 'it(\"in a string\")';",
      'const re = /it\\("in a regex"\\)/; const q = a / b / c;',
      "const t = `it('in a template') ${it('inside a substitution')} and ${`nested ${describe('deeper')}`}`;",
      "describe('outer', () => {",
      "  it.each([1, 2])('case %s', async (n) => { const m = await import('./dyn'); const r = require('./req'); });",
      "  test.only(`no substitution`, () => {});",
      "  it('a' + 'b', () => {});",
      "  it.skip('skipped', () => {});",
      "  x.it('member', () => {});",
      "  const v = {} as unknown as import('node:fs').Stats;",
      "  let w: typeof import('./typed');",
      "  import('./then').then((z) => z);",
      "});",
    ].join('\n');
    const keep = (k: string) => k === 'test' || k === 'import';
    const parsed = extractTypeScript('t.test.ts', text, keep, { titlesOnly: true });
    const scanned = scanTestFile('t.test.ts', text, keep);
    expect(scanned).toEqual(parsed);
    expect(scanned.facts.filter((f) => f.k === 'test').map((f) => f.v)).toEqual(['inside a substitution', 'deeper', 'outer', 'case %s', 'no substitution']);
    expect(scanned.imports).toEqual(['./a', './b', './side-effect', './d', './e', 'm', './dyn', './req', './then']);
  });
});

describe('Python front end', () => {
  test('ignores comments and docstrings; sees methods, attributes, keys and __main__', () => {
    const r = extractPython([
      'import anthropic',
      '"""',
      'def fake_in_docstring(): pass',
      '"""',
      '# def fake_in_comment(): pass',
      'class Agent:',
      '    def run(self):',
      '        self.cost_limit = 3',
      '        session["cost"] += 1',
      'if __name__ == "__main__":',
      '    Agent().run()',
    ].join('\n'));
    expect(r.entry).toBe(true);
    expect(has(r.facts, 'decl', 'fake_in_docstring')).toBe(false);
    expect(has(r.facts, 'decl', 'fake_in_comment')).toBe(false);
    expect(has(r.facts, 'member', 'run')).toBe(true);
    expect(has(r.facts, 'member', 'cost_limit')).toBe(true);
    expect(has(r.facts, 'key', 'cost')).toBe(true);
    expect(r.imports).toContain('anthropic');
  });
});

describe('import-only scan (files the prefilter leaves out)', () => {
  test('Python: a from-import after an unparenthesised from-import is kept; parenthesised lists span lines', () => {
    const r = scanImports('python', [
      'from a import b',
      'from c.d import e, f as g',
      'from h import (',
      '    i,  # a comment, not a name',
      '    j as k,',
      ')',
      'from l import *',
      'from . import m',
      'import n.o, p',
    ].join('\n'), 'x.py');
    expect(r.imports).toEqual(['n.o', 'p', 'a', 'a.b', 'c.d', 'c.d.e', 'c.d.f', 'h', 'h.i', 'h.j', 'l', '.', '.m']);
  });
});

describe('Rust front end', () => {
  test('enum variants become a union; #[cfg(test)] code is a test region', () => {
    const r = extractRust([
      'pub enum StreamEvent {',
      '    MessageStart,',
      '    TextDelta(String),',
      '    MessageStop,',
      '}',
      'mod permissions;',
      '#[cfg(test)]',
      'mod tests {',
      '    #[test]',
      '    fn denies_dangerous_tool() {}',
      '}',
    ].join('\n'), 'crates/x/src/lib.rs');
    expect(has(r.facts, 'union', 'StreamEvent:MessageStart|TextDelta|MessageStop')).toBe(true);
    expect(r.imports).toContain('mod:permissions');
    const t = r.facts.find((f) => f.k === 'test' && f.v === 'denies_dangerous_tool');
    expect(t?.t).toBe(1);
  });
});

describe('Go front end', () => {
  test('package main is an entry; methods and tests are facts', () => {
    const r = extractGo('package main\n\nimport (\n\t"fmt"\n)\n\nfunc (a *Agent) CheckPermission() {}\nfunc TestBudgetStops(t *testing.T) {}\n');
    expect(r.entry).toBe(true);
    expect(r.imports).toEqual(['fmt']);
    expect(has(r.facts, 'member', 'CheckPermission')).toBe(true);
    expect(has(r.facts, 'test', 'TestBudgetStops')).toBe(true);
  });
});

describe('tree-sitter front ends (Python, Rust, Go)', () => {
  test('Python: comments and docstrings are not facts; decorators, keyword tool definitions, Literal unions, __main__', async () => {
    const { extractSyntax } = await import('../src/extract/syntax.js');
    const r = await extractSyntax('python', [
      'import anthropic',
      'from agents import function_tool, Agent as A',
      '"""',
      'def fake_in_docstring(): pass',
      '"""',
      '# def fake_in_comment(): PermissionManager()',
      'Mode = Literal["read-only", "auto"]',
      '@function_tool',
      'def read_file(path: str) -> str:',
      '    """Reads a file; mentions SessionStore only in a docstring."""',
      '    return open(path).read()',
      'class Agent:',
      '    max_turns = 10',
      '    def run(self):',
      '        self.cost_limit = 3',
      '        session["cost"] += 1',
      '        tool = Tool(name="bash", description="Run", input_schema={"type": "object"})',
      'if __name__ == "__main__":',
      '    Agent().run()',
    ].join('\n'), 'agent.py');
    expect(r.entry).toBe(true);
    expect(has(r.facts, 'decl', 'fake_in_docstring')).toBe(false);
    expect(r.facts.some((f) => /PermissionManager|SessionStore/.test(f.v))).toBe(false);
    expect(has(r.facts, 'call', 'function_tool')).toBe(true);
    expect(has(r.facts, 'decl', 'read_file')).toBe(true);
    expect(has(r.facts, 'member', 'run')).toBe(true);
    expect(has(r.facts, 'member', 'max_turns')).toBe(true);
    expect(has(r.facts, 'member', 'cost_limit')).toBe(true);
    expect(has(r.facts, 'key', 'cost')).toBe(true);
    expect(has(r.facts, 'tooldef', 'bash')).toBe(true);
    expect(has(r.facts, 'union', 'Mode:read-only|auto')).toBe(true);
    expect(r.imports).toEqual(expect.arrayContaining(['anthropic', 'agents', 'agents.function_tool', 'agents.Agent']));
  });

  test('Rust: enum unions, struct-literal tool definitions, json! macro keys, #[cfg(test)] regions, fn main', async () => {
    const { extractSyntax } = await import('../src/extract/syntax.js');
    const r = await extractSyntax('rust', [
      'use crate::permissions::{PermissionPolicy, Mode};',
      'mod permissions;',
      '// struct FakeInComment {}',
      'pub enum StreamEvent { MessageStart, TextDelta(String), MessageStop }',
      'fn specs() -> Vec<ToolSpec> { vec![ToolSpec { name: "bash", description: "Run", input_schema: json!({"type": "object"}) }] }',
      'fn main() { let v = json!({"max_tokens": 10}); client.messages().create(v); }',
      '#[cfg(test)]',
      'mod tests {',
      '    #[test]',
      '    fn denies_dangerous_tool() {}',
      '}',
      'fn after_tests() {}',
    ].join('\n'), 'src/main.rs');
    expect(r.entry).toBe(true);
    expect(has(r.facts, 'union', 'StreamEvent:MessageStart|TextDelta|MessageStop')).toBe(true);
    expect(has(r.facts, 'tooldef', 'bash')).toBe(true);
    expect(has(r.facts, 'key', 'max_tokens')).toBe(true);
    expect(has(r.facts, 'call', 'client.messages.create')).toBe(true);
    expect(r.facts.some((f) => f.v === 'FakeInComment')).toBe(false);
    expect(r.imports).toEqual(expect.arrayContaining(['crate::permissions::', 'mod:permissions']));
    expect(r.facts.find((f) => f.k === 'test' && f.v === 'denies_dangerous_tool')?.t).toBe(1);
    expect(r.facts.find((f) => f.k === 'decl' && f.v === 'after_tests')?.t).toBeUndefined();
  });

  test('Go: package main, imports, methods, struct fields, keyed tool literals, tests; syntax errors tolerated', async () => {
    const { extractSyntax } = await import('../src/extract/syntax.js');
    const r = await extractSyntax('go', [
      'package main',
      'import (',
      '\t"fmt"',
      '\tanthropic "github.com/anthropics/anthropic-sdk-go"',
      ')',
      'type Agent struct { MaxTurns int }',
      'func (a *Agent) CheckPermission() {}',
      'func TestBudgetStops(t *testing.T) {}',
      'var bash = ToolDefinition{Name: "bash", Description: "Run", InputSchema: nil}',
      'func broken( {',
    ].join('\n'), 'cmd/x/main.go');
    expect(r.entry).toBe(true);
    expect(r.imports).toEqual(['fmt', 'github.com/anthropics/anthropic-sdk-go']);
    expect(has(r.facts, 'member', 'CheckPermission')).toBe(true);
    expect(has(r.facts, 'member', 'MaxTurns')).toBe(true);
    expect(has(r.facts, 'test', 'TestBudgetStops')).toBe(true);
    expect(has(r.facts, 'tooldef', 'bash')).toBe(true);
  });
});
