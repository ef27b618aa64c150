import { describe, expect, test } from 'vitest';
import { extractTypeScript } from '../src/extract/typescript.js';
import { extractPython } from '../src/extract/python.js';
import { extractRust } from '../src/extract/rust.js';
import { extractGo } from '../src/extract/go.js';
import type { Fact } from '../src/extract/types.js';

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
