import { describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeWiredNames, type Mentions } from '../src/detect/wired.js';
import { wiredFacts } from '../src/extract/wired-facts.js';
import { extractAll, type AnalyzedFile, type FactsStore } from '../src/extract/index.js';
import { buildFactFilter } from '../src/extract/keep.js';
import { buildPrefilter } from '../src/extract/prefilter.js';
import { loadRubric } from '../src/rubric/load.js';
import { withAllSignals } from '../src/rubric/all-signals.js';
import type { Fact } from '../src/extract/types.js';
import { tmp } from './helpers.js';

/** An analysed product file with its text and (when `may` is given) the extract stage's wired-in record. */
function file(path: string, language: string, text: string, decls: string[], may?: (n: string) => boolean): AnalyzedFile {
  const facts: Fact[] = decls.map((v, i) => ({ k: 'decl', v, l: i + 1 }));
  return {
    path, language, role: 'source', size: text.length, mtimeMs: 0, hash: path, text,
    facts: { facts, imports: [], parsed: true, ...(may ? { wired: wiredFacts(text, language, may) } : {}) },
  } as unknown as AnalyzedFile;
}

/** Every (file, name, kind) answer of the predicate, and the mentions, for comparison. */
function answers(files: AnalyzedFile[], names: Map<string, Set<string>>, importers: Map<string, Set<string>>, may?: (n: string) => boolean) {
  const mentions: Mentions = new Map();
  const read: string[] = [];
  const wired = computeWiredNames(files, names, new Set(['src/main.ts']), importers, mentions, (f) => read.push(f.path), may);
  const out: string[] = [];
  for (const f of files) for (const n of names.keys()) for (const kind of ['decl', 'member'] as const) out.push(`${f.path} ${n} ${kind} ${wired(f.path, n, kind)}`);
  return { out, mentions: [...mentions].sort(([a], [b]) => (a < b ? -1 : 1)), read };
}

describe('wired-in check from the extract stage records (issue 16)', () => {
  // names the records cover: "covered" ones; union names and non-identifiers are not
  const covered = new Set(['runTool', 'ToolRegistry', 'execute', 'approve', 'helper', 'Unused', 'lookup']);
  const may = (n: string) => covered.has(n);
  const texts: Array<[string, string, string, string[]]> = [
    ['src/main.ts', 'typescript', [
      "import { runTool, ToolRegistry } from './tools';",
      'export { helper } from "./helpers";',
      'export * from "./all";',
      'const r = new ToolRegistry(); // runTool in a comment',
      'r.execute(runTool); r.execute(x) //execute trailing',
      ' * runTool in a block comment line',
      "const s: Status = 'task.approve';",
      '1runTool 2execute $approve',
    ].join('\n'), ['main']],
    ['src/tools.ts', 'typescript', [
      'export class ToolRegistry {',
      '  execute(t) { return this.lookup(t); }',
      '  lookup(t) { return t; }',
      '}',
      'export function runTool() { return approve(); } # not a comment in TS but a LINE_COMMENT',
      'type Status = "pending" | "done"; // Status',
      'export function approve() {}',
    ].join('\n'), ['ToolRegistry', 'execute', 'lookup', 'runTool', 'Status', 'approve']],
    ['src/helpers.ts', 'typescript', 'export function helper() { return Unused; }\n// helper\nexport const Unused = 1;\nUnused;', ['helper', 'Unused']],
    ['src/lib.rs', 'rust', [
      'pub use crate::tools::Runner;',
      'pub struct Runner;',
      'impl Runner { fn lookup(&self) {} }',
      '#[cfg(test)]',
      'mod tests { fn t() { Runner.lookup(); approve(); } }',
      'fn main() { Runner.lookup(); Status::Done; }',
    ].join('\n'), ['Runner', 'lookup', 'main']],
    ['src/sibling.ts', 'typescript', 'helper(); # Unused\nx//Unused\n', []],
  ];
  const names = new Map<string, Set<string>>([
    ['runTool', new Set(['js'])], ['ToolRegistry', new Set(['js'])], ['execute', new Set(['js'])], ['lookup', new Set(['js', 'rust'])],
    ['helper', new Set(['js'])], ['Unused', new Set(['js'])], ['approve', new Set(['js'])],
    // not covered by `may`: a union's name, and a member named by a string literal
    ['Status', new Set(['js', 'rust'])], ['task.approve', new Set(['js'])], ['Runner', new Set(['rust'])],
  ]);
  const importers = new Map([['src/tools.ts', new Set(['src/main.ts'])], ['src/helpers.ts', new Set(['src/main.ts'])]]);

  test('records give the same answers and mentions as the texts, and read only files an uncovered name may occur in', () => {
    const fromText = answers(texts.map(([p, l, t, d]) => file(p, l, t, d)), names, importers);
    const fromRecords = answers(texts.map(([p, l, t, d]) => file(p, l, t, d, may)), names, importers, may);
    expect(fromRecords.out).toEqual(fromText.out);
    expect(fromRecords.mentions).toEqual(fromText.mentions);
    expect(fromText.read.length).toBe(texts.length);
    // `Status`, `task.approve` and `Runner` occur in main.ts, tools.ts and lib.rs only
    expect(fromRecords.read.sort()).toEqual(['src/lib.rs', 'src/main.ts', 'src/tools.ts']);
    // the answers are not trivial: some names are wired, some not
    expect(fromText.out.filter((x) => x.endsWith('true')).length).toBeGreaterThan(3);
    expect(fromText.out.filter((x) => x.endsWith('false')).length).toBeGreaterThan(3);
  });

  test('with only covered names asked about, no file is read', () => {
    const only = new Map([...names].filter(([n]) => covered.has(n)));
    const fromText = answers(texts.map(([p, l, t, d]) => file(p, l, t, d)), only, importers);
    const fromRecords = answers(texts.map(([p, l, t, d]) => file(p, l, t, d, may)), only, importers, may);
    expect(fromRecords.out).toEqual(fromText.out);
    expect(fromRecords.mentions).toEqual(fromText.mentions);
    expect(fromRecords.read).toEqual([]);
  });

  test('the record: tokens outside line comments, other runs, and lines of the names that may matter', () => {
    const w = wiredFacts('a bB // cC\n 9dD x1 #eE\n#[attr] fF\nbB', 'typescript', (n) => n === 'bB' || n === 'fF');
    expect(w.u.trim().split(' ').sort()).toEqual(['a', 'attr', 'bB', 'dD', 'fF', 'x1']);
    expect(w.x.trim().split(' ').sort()).toEqual(['9dD', 'cC', 'eE']);
    expect(w.m).toEqual([['bB', [1, 4]], ['fF', [3]]]);
  });

  test('same answers as the texts on generated texts (comments, re-exports, odd names, digits, line breaks)', () => {
    // a small deterministic generator: pieces that exercise every comment and token rule
    let seed = 16;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const pieces = ['runTool', 'execute', 'Status', 'task.approve', 'approve', 'helper', 'Unused', 'lookup', ' ', ' ', '\n', '\n', '\r\n', '// ', '//', ' # ', '#[x] ', '/* ', ' * ', '9', '1execute', '$', '.', "'", 'export { a } from "./b";\n', 'export * from "./c";\n', 'pub use a::b;\n', '#[cfg(test)]\nmod t { lookup(); }\n', '\u2028', '\t//'];
    for (let round = 0; round < 40; round++) {
      const gen = () => Array.from({ length: 60 }, () => pieces[rnd(pieces.length)]).join('');
      const specs: Array<[string, string, string[]]> = [
        ['src/main.ts', 'typescript', ['main']], ['src/tools.ts', 'typescript', ['runTool', 'execute', 'approve']],
        ['src/helpers.ts', 'typescript', ['helper', 'Unused']], ['src/x/lib.rs', 'rust', ['lookup']], ['src/x/other.rs', 'rust', ['Status']],
      ];
      const made = specs.map(([p, l, d]) => [p, l, gen(), d] as const);
      const fromText = answers(made.map(([p, l, t, d]) => file(p, l, t, d)), names, importers);
      const fromRecords = answers(made.map(([p, l, t, d]) => file(p, l, t, d, may)), names, importers, may);
      expect(fromRecords.out).toEqual(fromText.out);
      expect(fromRecords.mentions).toEqual(fromText.mentions);
    }
  });

  test('extractAll records it from the second run on: for a changed file, and once for cached facts that lack it', async () => {
    const root = tmp();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/a.ts'), 'export function runAgentLoop() { return 1; }\n');
    writeFileSync(join(root, 'src/b.ts'), 'export function executeTool() { return runAgentLoop(); }\n');
    writeFileSync(join(root, 'src/a.test.ts'), 'runAgentLoop();\n');
    const all = withAllSignals(loadRubric().rubric);
    const hashes = { key: '', files: new Map<string, [number, number, string]>() };
    const plan = { prefilter: buildPrefilter(all), filter: buildFactFilter(all), records: true, hashes };
    const scanned = [
      { path: 'src/a.test.ts', language: 'typescript', role: 'test', size: 1, mtimeMs: 1 },
      { path: 'src/a.ts', language: 'typescript', role: 'source', size: 1, mtimeMs: 1 },
      { path: 'src/b.ts', language: 'typescript', role: 'source', size: 1, mtimeMs: 1 },
    ] as Parameters<typeof extractAll>[1];
    const store: FactsStore = new Map();
    const skipped = { binary: 0, nonUtf8: 0, empty: 0, unreadable: 0 } as Parameters<typeof extractAll>[4];
    const of = (r: Awaited<ReturnType<typeof extractAll>>, path: string) => r.files.find((f) => f.path === path)!;
    // a first run makes no records (its cache may never be read again)
    const first = await extractAll(root, scanned, plan, store, skipped);
    expect(of(first, 'src/a.ts').facts.wired).toBeUndefined();
    expect(of(first, 'src/a.ts').facts.sigs).toBeUndefined();
    expect(first.updated.size).toBe(0);
    // a re-run with src/a.ts changed: its new facts carry a record, and the cached facts of the
    // unchanged src/b.ts get theirs once (listed in `updated`, so the cache writes them)
    writeFileSync(join(root, 'src/a.ts'), 'export function runAgentLoop() { return other; }\n');
    const again = scanned.map((f) => (f.path === 'src/a.ts' ? { ...f, size: 2, mtimeMs: 2 } : f));
    const second = await extractAll(root, again, plan, store, skipped);
    expect(of(second, 'src/a.ts').hash).not.toBe(of(first, 'src/a.ts').hash);
    expect(of(second, 'src/a.ts').facts.wired?.u).toContain(' other ');
    expect(of(second, 'src/b.ts').facts.wired?.u).toContain(' runAgentLoop ');
    expect(of(second, 'src/b.ts').facts.sigs).toBeDefined();
    expect(store.get(of(second, 'src/b.ts').hash)!.wired).toEqual(of(second, 'src/b.ts').facts.wired);
    expect([...second.updated]).toEqual(expect.arrayContaining([of(second, 'src/b.ts').hash]));
    expect(of(second, 'src/a.test.ts').facts.wired).toBeUndefined();
    // a third run finds every record made: nothing to add
    const third = await extractAll(root, again, plan, store, skipped);
    expect(third.updated.size).toBe(0);
    // without `records` (a run without the cache) nothing is recorded
    const bare = await extractAll(root, scanned, { ...plan, hashes: undefined, records: false }, new Map(), skipped);
    expect(of(bare, 'src/a.ts').facts.wired).toBeUndefined();
    expect(of(bare, 'src/a.ts').facts.sigs).toBeUndefined();
  });
});
