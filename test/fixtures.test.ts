import { describe, expect, test } from 'vitest';
import { cpSync, mkdirSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { scan, walkList } from '../src/scan/scan.js';
import { join } from 'node:path';
import { evaluate } from '../src/index.js';
import { extendedTable, fixture, run, table, tmp } from './helpers.js';

// Full verdict tables of every fixture (STYLE.md convention 8). The engine runs for real.
const ALL_ABSENT = {
  'tool-registry': 'absent', permissions: 'absent', 'session-persistence': 'absent', 'workflow-state': 'absent',
  'token-budget': 'absent', 'streaming-events': 'absent', 'event-log': 'absent', verification: 'absent',
  'tool-pool': 'absent', compaction: 'absent', 'permission-audit': 'absent', 'agent-types': 'absent',
};

describe('fixture verdict tables', () => {
  test('ts-full-harness: all 12 primitives wired in', async () => {
    const r = await run('ts-full-harness');
    expect(table(r)).toEqual(Object.fromEntries(Object.keys(ALL_ABSENT).map((k) => [k, 'present'])));
    expect(r.context.shape).toBe('coding-agent');
    expect(r.context.flags).toEqual(expect.arrayContaining(['llm', 'mutating-tools', 'multi-agent']));
    expect(r.score).toBe(100);
    expect(r.findings).toEqual([]);
    // evidence points at real lines
    const perm = r.primitives.find((p) => p.id === 'permissions')!;
    // the gate where it acts comes first: the policy call on the path from the loop to tool execution
    expect(perm.evidence[0]).toMatchObject({ file: 'src/loop.ts', relation: 'tool-path', tied: true });
    expect(perm.evidence[0]!.snippet).toContain('checkPermission');
  });

  test('ts-minimal-chat: a chat loop with a literal tool list and a switch', async () => {
    const r = await run('ts-minimal-chat');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
    expect(r.findings[0]!.severity).toBe('high'); // permissions without mutating tools: high, not critical
    expect(r.findings.map((f) => f.id)).toContain('permissions');
  });

  test('python-agent: registry, resume, enforced budget; confirm prompt only', async () => {
    const r = await run('python-agent');
    expect(table(r)).toEqual({
      ...ALL_ABSENT,
      'tool-registry': 'present',
      permissions: 'partial',
      'session-persistence': 'present',
      'token-budget': 'present',
      verification: 'partial',
    });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('agent/cli.py');
  });

  test('ts-webapp-not-agent: says so plainly instead of twelve gaps', async () => {
    const r = await run('ts-webapp-not-agent');
    expect(table(r)).toEqual(ALL_ABSENT);
    expect(r.context.shape).toBe('not-an-agent');
    expect(r.applicable).toBe(false);
    expect(r.score).toBeNull();
    expect(r.findings).toEqual([]);
  });

  test('judge-secrets: a registry next to fake secrets (the judge tests redact them)', async () => {
    const r = await run('judge-secrets');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'present' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.findings[0]).toMatchObject({ id: 'permissions', severity: 'critical' });
  });

  test('judge-injection: a chat loop whose comments address the judge', async () => {
    const r = await run('judge-injection');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
  });

  test('html-injection: markup in a file name and in snippets (the HTML report test escapes it)', async () => {
    const r = await run('html-injection');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.primitives.find((p) => p.id === 'tool-registry')!.evidence.map((e) => e.file)).toContain('src/<img src=x onerror=alert(1)>.ts');
  });

  test('py-full-harness: a Python coding agent with every primitive wired in', async () => {
    const r = await run('py-full-harness');
    expect(table(r)).toEqual(Object.fromEntries(Object.keys(ALL_ABSENT).map((k) => [k, 'present'])));
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('harness/cli.py');
  });

  test('py-minimal-agent: a minimal Python loop; names in comments and docstrings are not evidence', async () => {
    const r = await run('py-minimal-agent');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('chat-assistant');
  });

  test('rust-dead-permissions: a permission engine that nothing calls does not count', async () => {
    const r = await run('rust-dead-permissions');
    // its inline #[cfg(test)] tests pin the dead engine, not the harness: no guardrail test either
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.findings[0]).toMatchObject({ id: 'permissions', severity: 'critical' });
    const perm = r.primitives.find((p) => p.id === 'permissions')!;
    // an absent verdict cites no unrelated lines; it says where the fix belongs
    expect(perm.evidence).toEqual([]);
    expect(perm.fixAt).toBe('where tools execute: src/main.rs:29');
    expect(perm.rationale).toMatch(/src\/permissions\.rs:\d+\) looks related but is not on the path from the agent loop to tool execution/);
  });

  test('go-agent: registry, budget, append-only transcript without resume', async () => {
    const r = await run('go-agent');
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'present', 'session-persistence': 'partial', 'token-budget': 'present' });
    expect(r.context.shape).toBe('coding-agent');
    expect(r.target.entryPoints).toContain('cmd/agent/main.go');
  });

  // The harness-model fixtures (issue 11): each holds expected.json, its author's verdict table
  // per PRIMITIVES.md, with a reason per verdict; the engine must reproduce it exactly.
  const expected = (name: string) => JSON.parse(readFileSync(join(fixture(name), 'expected.json'), 'utf8')) as { shape: string; verdicts: Record<string, string> };
  const relationCase = async (name: string) => {
    const r = await run(name);
    const want = expected(name);
    expect(table(r)).toEqual(want.verdicts);
    expect(r.context.shape).toBe(want.shape);
    return r;
  };

  test('ts-dead-permission-engine: a full permission engine off the tool path is absent', async () => {
    const r = await relationCase('ts-dead-permission-engine');
    expect(r.primitives.find((p) => p.id === 'permissions')!.fixAt).toMatch(/^where tools execute: src\/agent\.ts:\d+$/);
  });
  test('ts-budget-after-call: a limit checked after the model call is only partial', async () => {
    const r = await relationCase('ts-budget-after-call');
    expect(r.primitives.find((p) => p.id === 'token-budget')!.rationale).toMatch(/Missing for present: a token, cost or request limit is checked before the model call/);
  });
  test('py-save-not-called: a save function nothing in the loop calls is absent', async () => {
    await relationCase('py-save-not-called');
  });
  test('py-compaction-wired: condense past a threshold, called from the loop, is present', async () => {
    const r = await relationCase('py-compaction-wired');
    expect(r.primitives.find((p) => p.id === 'compaction')!.chain).toMatch(/^loop run \(pathfinder\/agent\.py:\d+\) → .*maybe_condense/);
  });
  test('ts-typed-subagents: agent definitions with per-type tools used by a spawn tool', async () => {
    await relationCase('ts-typed-subagents');
  });
  test('rust-gate-on-tool-path: a Rust policy on the tool path is present', async () => {
    const r = await relationCase('rust-gate-on-tool-path');
    expect(r.primitives.find((p) => p.id === 'permissions')!.chain).toMatch(/^loop ConversationRuntime\.run_turn \(src\/runtime\.rs:\d+\) → /);
  });
  test('go-budget-before-call: a Go budget checked before Messages.New is present', async () => {
    await relationCase('go-budget-before-call');
  });
  test('py-confirmation-mode: confirmation mode over risk classes, remembered approvals', async () => {
    await relationCase('py-confirmation-mode');
  });
  test('ts-lookalikes-not-agent: session, permission, token and verifier look-alikes', async () => {
    const r = await relationCase('ts-lookalikes-not-agent');
    expect(r.harness.loops).toEqual([]);
  });
  test('ts-streamtext-library: one streamText call and no loop is not an agent', async () => {
    await relationCase('ts-streamtext-library');
  });
  test('py-app-on-own-loop-imports-sdk: an app with its own loop is not an agent SDK', async () => {
    await relationCase('py-app-on-own-loop-imports-sdk');
  });
  test('go-post-edit-diagnostics: diagnostics after an edit and guardrail tests', async () => {
    await relationCase('go-post-edit-diagnostics');
  });
  test('py-role-dispatch: the controller that drives agents through self.agent.step is the loop', async () => {
    const r = await relationCase('py-role-dispatch');
    expect(r.harness.loops[0]!.name).toBe('Controller._step');
  });

  // Apps on agent frameworks (issue 15): expected.json also holds the frameworks the app is built
  // on and, per primitive that is not absent, where its evidence comes from (app or framework option);
  // fixtures of the extended checks hold `extended`, their verdict table.
  interface Expected { shape: string; verdicts: Record<string, string>; frameworks?: string[]; origins?: Record<string, string>; extended?: Record<string, string> }
  const frameworkCase = async (name: string) => {
    const r = await relationCase(name);
    const want = expected(name) as Expected;
    expect((r.frameworks ?? []).map((f) => f.id)).toEqual(want.frameworks ?? []);
    if (want.origins) {
      const got = Object.fromEntries(r.primitives.filter((p) => p.origin && p.group !== 'extended' && p.id in want.origins!).map((p) => [p.id, p.origin]));
      expect(got).toEqual(want.origins);
      // every framework evidence item names its framework and sits on its line
      for (const p of r.primitives) for (const e of p.evidence) if (e.origin) expect(want.frameworks).toContain(e.origin.replace(/^framework:/, ''));
    }
    if (want.extended) expect(extendedTable(r)).toEqual(want.extended);
    return r;
  };
  test('ts-vercel-ai-chat: a Next.js route on the Vercel AI SDK is a chat assistant, not an agent SDK', async () => {
    const r = await frameworkCase('ts-vercel-ai-chat');
    expect(r.context.flags).toContain('library'); // no entry point of its own, still an application
    expect(r.harness.loops[0]).toMatchObject({ name: 'POST', file: 'app/api/chat/route.ts' });
  });
  test('ts-openai-agents-support: handoffs, guardrails and needsApproval on the OpenAI Agents SDK (JS)', async () => {
    await frameworkCase('ts-openai-agents-support');
  });
  test('py-openai-agents-research: SQLiteSession, max_turns and an output guardrail (Python)', async () => {
    const r = await frameworkCase('py-openai-agents-research');
    expect(r.primitives.find((p) => p.id === 'session-persistence')!.rationale).toMatch(/an option the app passes to OpenAI Agents SDK/);
  });
  test('ts-claude-agent-sdk-reviewer: canUseTool, allowedTools, maxTurns and sub-agents on the Claude Agent SDK', async () => {
    await frameworkCase('ts-claude-agent-sdk-reviewer');
  });
  test('py-langgraph-triage: a StateGraph with a durable checkpointer and interrupts is a workflow orchestrator', async () => {
    await frameworkCase('py-langgraph-triage');
  });

  test('ts-mastra-orders: Mastra memory, requireApproval and maxSteps; layered memory partial', async () => {
    const r = await frameworkCase('ts-mastra-orders');
    // maxSteps is passed where the agent is called (src/cli.ts imports the agent, not Mastra)
    expect(r.primitives.find((p) => p.id === 'token-budget')!.evidence[0]).toMatchObject({ file: 'src/cli.ts', origin: 'framework:mastra', relation: 'framework' });
  });
  test('py-pydantic-ai-analyst: UsageLimits make the budget present; tool_plain, requires_approval, output_validator', async () => {
    await frameworkCase('py-pydantic-ai-analyst');
  });
  test('py-smolagents-data: a CodeAgent in a Docker executor with managed agents and max_steps', async () => {
    await frameworkCase('py-smolagents-data');
  });
  test('py-google-adk-helpdesk: ADK sub_agents, require_confirmation, a database session service', async () => {
    await frameworkCase('py-google-adk-helpdesk');
  });
  test('ts-langchain-mailer: createAgent with human-in-the-loop and summarization middleware', async () => {
    await frameworkCase('ts-langchain-mailer');
  });

  // The extended checks (PRIMITIVES.md "Extended checks"): all present, all partial, in two languages
  // each; absent is every check of ts-minimal-chat and py-minimal-agent (below).
  test('ts-extended-present: the six extended checks where they act (shell path, model path, tool execution)', async () => {
    const r = await frameworkCase('ts-extended-present');
    expect(r.extended).toMatchObject({ score: 100, summary: { present: 6, partial: 0, absent: 0 }, findings: [] });
    const cs = r.primitives.find((p) => p.id === 'command-safety')!;
    expect(cs.evidence.find((e) => e.criterion === 'checks')).toMatchObject({ file: 'src/shell.ts', relation: 'shell-path' });
    // the core score ignores the extended checks
    expect(r.score).toBe(18); // tool-registry present, token-budget partial: (3 + 1.5) / 25 tier-weighted
  });
  test('py-extended-present: the Python twin, tools handed over as lambdas of a tool table', async () => {
    const r = await frameworkCase('py-extended-present');
    expect(r.primitives.find((p) => p.id === 'command-safety')!.evidence[0]).toMatchObject({ file: 'tern/shell.py', relation: 'shell-path' });
  });
  test('ts-extended-partial: each check partly there; a command validator off the shell path does not count', async () => {
    const r = await frameworkCase('ts-extended-partial');
    const cs = r.primitives.find((p) => p.id === 'command-safety')!;
    expect(cs.criteria.checks!.met).toBe(false);
    expect(cs.evidence.map((e) => e.file)).not.toContain('src/validate.ts');
    expect(r.extended!.findings.map((f) => f.id)).toHaveLength(6);
    // extended gaps never become core findings (gates, upgrade path)
    expect(r.findings.map((f) => f.id)).not.toContain('command-safety');
  });
  test('py-extended-partial: a container sandbox alone, a worker cap, on-demand skills', async () => {
    await frameworkCase('py-extended-partial');
  });
  test('ts-minimal-chat and py-minimal-agent: every extended check absent', async () => {
    for (const name of ['ts-minimal-chat', 'py-minimal-agent']) {
      const r = await run(name);
      expect(Object.values(extendedTable(r)), name).toEqual(Array(6).fill('absent'));
      expect(r.extended!.score, name).toBe(0);
    }
  });

  test('every snippet of every fixture report is the text of its file at its line', async () => {
    for (const name of readdirSync(fixture('.')).filter((n) => n !== 'briefs' && statSync(fixture(n)).isDirectory())) {
      const r = await evaluate({ target: fixture(name), cache: false });
      for (const p of r.primitives) {
        for (const e of p.evidence) {
          const line = readFileSync(join(fixture(name), e.file), 'utf8').split(/\r?\n/)[e.line - 1]?.trim() ?? '';
          expect(e.snippet.endsWith('...') ? line.startsWith(e.snippet.slice(0, -3)) : line === e.snippet, `${name} ${e.file}:${e.line}`).toBe(true);
        }
      }
    }
  });

  test('every fixture directory has a verdict-table test above', async () => {
    const { readFileSync } = await import('node:fs');
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    // fixtures/briefs holds design briefs, asserted by test/design.test.ts
    for (const name of readdirSync(fixture('.')).filter((n) => n !== 'briefs' && statSync(fixture(n)).isDirectory())) expect(self, name).toContain(`test('${name}:`);
  });

  test('broken-inputs: syntax errors, binary, empty, non-UTF-8, huge file and symlink loops', async () => {
    const dir = tmp();
    cpSync(fixture('broken-inputs'), dir, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(dir, 'src', 'huge.ts'), `export const big = "${'x'.repeat(2 * 1024 * 1024)}";\n`);
    const r = await evaluate({ target: dir, cache: false });
    expect(table(r)).toEqual({ ...ALL_ABSENT, 'tool-registry': 'partial' });
    expect(r.target.skipped).toMatchObject({ binary: 1, nonUtf8: 1, empty: 1, tooLarge: 1, symlink: 3 });
    expect(r.context.shape).toBe('chat-assistant');
  });
});

describe('scan guarantees', () => {
  test('never writes inside the scanned repository, even with the cache on', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    const before = snapshot(dir);
    process.env.PLUMBLINE_CACHE_DIR = tmp('plumbline-cache-');
    try {
      await evaluate({ target: dir });
      await evaluate({ target: dir });
    } finally {
      delete process.env.PLUMBLINE_CACHE_DIR;
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test('examples, docs and fixtures do not make a primitive present', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    // a permission engine that lives only in an example folder and in docs
    cpSync(join(fixture('ts-full-harness'), 'src'), join(dir, 'examples', 'full'), { recursive: true });
    cpSync(join(fixture('ts-full-harness'), 'src'), join(dir, 'test', 'fixtures', 'full'), { recursive: true });
    const r = await evaluate({ target: dir, cache: false });
    expect(table(r).permissions).toBe('absent');
    expect(table(r)['session-persistence']).toBe('absent');
  });

  test('outside git, the walker honours every .gitignore (nested, negated, ignored folders not entered)', async () => {
    const dir = tmp();
    const put = (rel: string, text = 'x\n') => {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put('.gitignore', '*.log\nbuild-out/\n!keep.log\n');
    put('src/a.ts');
    put('src/debug.log');
    put('keep.log');
    put('build-out/gen.ts');
    put('pkg/.gitignore', 'secret.ts\n/local/\n!debug.log\n');
    put('pkg/secret.ts');
    put('pkg/debug.log');
    put('pkg/local/x.ts');
    put('pkg/sub/local/y.ts');
    put('node_modules/dep/index.js');
    const scanned = await scan(dir);
    expect(scanned.lister).toBe('walk');
    expect(scanned.files.map((f) => f.path)).toEqual(['.gitignore', 'keep.log', 'pkg/.gitignore', 'pkg/debug.log', 'pkg/sub/local/y.ts', 'src/a.ts']);
    expect(walkList(dir, ['pkg/**'])).not.toContain('pkg/debug.log');
  });

  test('an unreachable, uncalled module counts less than wired-in code', async () => {
    const dir = tmp();
    cpSync(fixture('ts-minimal-chat'), dir, { recursive: true });
    // a permission module nothing imports
    cpSync(join(fixture('ts-full-harness'), 'src', 'permissions.ts'), join(dir, 'src', 'permissions.ts'));
    const r = await evaluate({ target: dir, cache: false });
    const p = r.primitives.find((x) => x.id === 'permissions')!;
    expect(p.verdict).toBe('absent');
    expect(p.rationale).toMatch(/src\/permissions\.ts:\d+\) looks related but is not/);
  });
});

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p}:${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}
