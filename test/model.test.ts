import { describe, expect, test } from 'vitest';
import { phrasesRegex, phraseStem, wordsOf } from '../src/rubric/words.js';
import { compileSignal, SignalIndex } from '../src/detect/match.js';
import { cli, fixture, run } from './helpers.js';
import { CallGraphBuilder } from '../src/model/graph.js';

// Word-aware matching and the harness model (issue 11): whole words, landmarks, the loop, the map.
describe('word-aware matching', () => {
  test('identifiers split into words across naming conventions and acronyms', () => {
    expect(wordsOf('hasToolUsageChanged')).toBe('has tool usage changed');
    expect(wordsOf('code_verifier')).toBe('code verifier');
    expect(wordsOf('HTTPServerError')).toBe('http server error');
    expect(wordsOf('MAX_AGENT_LOOPS')).toBe('max agent loops');
    expect(wordsOf('this.api.createMessage')).toBe('this . api . create message');
    expect(wordsOf('api::client::stream_message')).toBe('api . client . stream message');
    expect(wordsOf('--resume')).toBe('resume');
  });

  test('phrases match whole words in sequence, never inside a word', () => {
    const asTool = phrasesRegex(['as tool']);
    expect(asTool.test(wordsOf('hasToolUsageChanged'))).toBe(false);
    expect(asTool.test(wordsOf('agentAsTool'))).toBe(true);
    const verifier = phrasesRegex(['verif*']);
    const pkce = phrasesRegex(['code verifier']);
    expect(verifier.test(wordsOf('codeVerifier')) && pkce.test(wordsOf('codeVerifier'))).toBe(true);
    expect(pkce.test(wordsOf('verifierAgent'))).toBe(false);
    expect(phrasesRegex(['compact*']).test(wordsOf('autoCompactionThreshold'))).toBe(true);
    expect(phrasesRegex(['max ? loops']).test(wordsOf('MAX_AGENT_LOOPS'))).toBe(true);
    expect(phrasesRegex(['tool* . execute']).test(wordsOf('this.tools.execute'))).toBe(true);
    expect(phrasesRegex(['tool ? . execute']).test(wordsOf('this.toolRegistry.execute'))).toBe(true);
    expect(phrasesRegex(['tool* . execute']).test(wordsOf('toolExecute'))).toBe(false);
    expect(phrasesRegex(['^ continue $']).test(wordsOf('shouldContinue'))).toBe(false);
  });

  test('the signal index answers as the phrase regexes do, through its word gate (issue 16)', () => {
    // the gate tests the raw value for a necessary word before its words are computed: it must
    // pass every spelling a phrase matches (case, acronyms, separators) and may only reject values
    const signal = { kinds: ['call' as const], roles: ['source' as const], words: ['tool* . execute', 'http server', '^ run $'] };
    const sig = compileSignal('p', 'c', signal);
    const index = new SignalIndex([sig]);
    const re = phrasesRegex(signal.words);
    const values = ['this.TOOLS.execute', 'toolRegistry.EXECUTE', 'HTTPServerError', 'http_server', 'run', 'RUN', 'rerun', 'toolExecute', 'serverHttp', 'runner.run', 'x'];
    for (const v of values) expect(index.candidates('call', v).length, v).toBe(re.test(wordsOf(v)) ? 1 : 0);
    expect(values.filter((v) => index.candidates('call', v).length)).toEqual(['this.TOOLS.execute', 'HTTPServerError', 'http_server', 'run', 'RUN']);
  });

  test('a phrase stem is a substring of any spelling of the phrase (prefilter superset)', () => {
    for (const [phrase, spellings] of [
      ['create message', ['createMessage', 'create_message', 'CREATE-MESSAGE']],
      ['compact* threshold', ['compactionThreshold', 'compact_threshold']],
      ['max ? loops', ['MAX_AGENT_LOOPS', 'maxToolLoops']],
    ] as const) {
      const stem = phraseStem(phrase)!;
      for (const s of spellings) expect(s.toLowerCase().replace(/[_-]/g, ''), `${phrase} in ${s}`).toContain(stem);
    }
  });
});

describe('harness model', () => {
  test('landmarks of a TypeScript harness: loop, model call, tool-call read, registry lookup', async () => {
    const r = await run('ts-full-harness');
    expect(r.harness.loops.map((l) => `${l.name}@${l.file}:${l.line}`)).toEqual(['runAgent@src/loop.ts:16']);
    expect(r.harness.modelCalls[0]).toMatchObject({ name: 'client.messages.stream', file: 'src/loop.ts' });
    expect(r.harness.toolCallReads.map((p) => p.name)).toContain('tool_use');
    const perm = r.primitives.find((p) => p.id === 'permissions')!;
    // the gate on the tool path comes first, and the chain starts at the loop
    expect(perm.evidence[0]).toMatchObject({ relation: 'tool-path', tied: true });
    expect(perm.chain).toMatch(/^loop runAgent \(src\/loop\.ts:16\) → /);
  });

  test('the loop found in Python, Rust and Go fixtures', async () => {
    const loops = async (name: string) => (await run(name)).harness.loops.map((l) => l.name);
    expect(await loops('py-full-harness')).toEqual(['run_agent']);
    expect(await loops('rust-gate-on-tool-path')).toEqual(['ConversationRuntime.run_turn']);
    expect(await loops('go-budget-before-call')).toEqual(['Agent.Run']);
  });

  test('a non-agent has no loop and reports no evidence', async () => {
    const r = await run('ts-webapp-not-agent');
    expect(r.harness.loops).toEqual([]);
    expect(r.primitives.every((p) => p.evidence.length === 0)).toBe(true);
    expect(r.context.summary).toBe('This does not look like an agent harness: no agent loop (a model call that leads to tool execution) was found.');
  });

  test('plumbline map prints the loop and where tools execute, as text and JSON', () => {
    const text = cli(['map', fixture('rust-gate-on-tool-path'), '--no-cache']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Agent loop\n {2}src\/runtime\.rs:\d+ {2}ConversationRuntime\.run_turn/);
    expect(text.stdout).toMatch(/Tool execution\n {2}src\/\w+\.rs:\d+ {2}\S+/);
    const json = cli(['map', fixture('rust-gate-on-tool-path'), '--no-cache', '-f', 'json']);
    const m = JSON.parse(json.stdout);
    expect(m.loops[0]).toMatchObject({ name: 'ConversationRuntime.run_turn', file: 'src/runtime.rs' });
    expect(m.toolExecution.length).toBeGreaterThan(0);
    expect(m.attached.some((a: { primitive: string; relation: string }) => a.primitive === 'permissions' && a.relation === 'tool-path')).toBe(true);
  });

  test('plumbline map on a missing path is a one-line usage error', () => {
    const r = cli(['map', fixture('does-not-exist')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('call graph resolution', () => {
  test('a call on a role-named receiver reaches the classes of that role, never the caller\'s own method', async () => {
    // five classes define `step`: by name alone the call would be dropped (too many) or, worse,
    // bound to Controller.step in the same file; `self.agent.step` means the ...Agent classes
    const r = await run('py-role-dispatch');
    expect(r.harness.loops[0]).toMatchObject({ name: 'Controller._step', file: 'agent/controller.py', line: 19 });
    expect(r.harness.toolExecution.map((t) => `${t.name}@${t.file}:${t.line}`)).toContain('self.execute_tool@agent/controller.py:23');
  });
});

describe('call graph rows (issue 16)', () => {
  test('callees keep the order edges were added; callers come by caller id, then edge order', () => {
    const b = new CallGraphBuilder();
    // more edges than the builder's first capacity, so that it grows
    const added: Array<[number, number, number]> = [[2, 0, 7], [0, 1, 3], [2, 1, 9], [0, 2, 1], [1, 1, 4], [2, 0, 5], [0, 1, 8]];
    for (let i = 0; i < 1500; i++) added.push([3, 4, i + 1]);
    for (const [from, to, line] of added) b.add(from, to, line);
    const g = b.build(5);
    expect(g.edges).toBe(added.length);
    const callees = (d: number) => { const out: string[] = []; g.eachCallee(d, (to, line) => out.push(`${to}@${line}`)); return out; };
    expect(callees(0)).toEqual(['1@3', '2@1', '1@8']);
    expect(callees(2)).toEqual(['0@7', '1@9', '0@5']);
    expect(callees(4)).toEqual([]);
    expect(callees(3)).toHaveLength(1500);
    expect(callees(3).slice(-1)).toEqual(['4@1500']);
    // what pushing every edge of every declaration, in id order, onto its callee's list gave
    expect(g.callersOf(1)).toEqual([[0, 3], [0, 8], [1, 4], [2, 9]]);
    expect(g.callersOf(0)).toEqual([[2, 7], [2, 5]]);
    expect(g.callersOf(3)).toEqual([]);
    expect(g.calls(1, 1)).toBe(true);
    expect(g.calls(0, 0)).toBe(false);
  });
});
