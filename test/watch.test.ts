import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, ROOT, table, tmp } from './helpers.js';
import { reportChanges } from '../src/cli/watch.js';
import type { Report } from '../src/index.js';

/**
 * `plumbline evaluate --watch` (src/cli/watch.ts, issue 16): a real CLI child watching a copy of
 * a fixture, edited by the test; each run's report must be the report a fresh uncached run
 * gives on the folder as it is then.
 */
class Watch {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  private readonly waiters: Array<() => void> = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [join(ROOT, 'bin', 'plumbline.js'), 'evaluate', ...args, '--watch'], {
      env: { ...process.env, PLUMBLINE_CACHE_DIR: tmp('plumbline-cache-'), NO_COLOR: '1' },
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stdout.resume();
  }

  /** How many stderr lines match. */
  count(re: RegExp): number {
    return this.stderr.split('\n').filter((l) => re.test(l)).length;
  }

  /** Waits until `n` stderr lines match (or fails after 20 s, with what was printed). */
  async until(re: RegExp, n = 1): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (this.count(re) < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} x${n}; stderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  /** SIGINT, then the exit code. */
  stop(): Promise<number | null> {
    return new Promise((r) => {
      this.child.on('close', (code) => r(code));
      this.child.kill('SIGINT');
    });
  }
}

const RAN = /^plumbline: re-ran in \d+\.\d\d s after \d+ changes?: /;

/** The report of a fresh `--no-cache` run of the folder as it is now. */
function fresh(dir: string): Report {
  const r = cli(['evaluate', dir, '--no-cache', '-f', 'json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('evaluate --watch', () => {
  it('audits again after an edit, with the report a fresh run gives, names the verdicts that moved, and stops on SIGINT with 0', async () => {
    const dir = tmp('plumbline-watch-');
    cpSync(fixture('py-save-not-called'), dir, { recursive: true });
    const out = join(tmp('plumbline-watch-out-'), 'report.json');
    const w = new Watch([dir, '-f', 'json', '-o', out]);
    await w.until(/^plumbline: watching \d+ folders? of /);
    const before = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(before).toEqual(fresh(dir));
    expect(table(before)['session-persistence']).toBe('absent');

    // the loop now saves the session after each turn
    const agent = join(dir, 'shellpal', 'agent.py');
    let src = readFileSync(agent, 'utf8');
    src = src.replace('            self.messages.append({"role": "user", "content": results})', '            self.messages.append({"role": "user", "content": results})\n            save_session(self.messages)');
    src = `import json\n${src}\n\ndef save_session(messages, path="session.jsonl"):\n    with open(path, "a", encoding="utf-8") as f:\n        for m in messages:\n            f.write(json.dumps(m, default=str) + "\\n")\n`;
    writeFileSync(agent, src);
    await w.until(RAN);
    const after = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(after).toEqual(fresh(dir));
    expect(table(after)['session-persistence']).not.toBe('absent');
    expect(w.stderr).toMatch(new RegExp(`session-persistence absent -> ${table(after)['session-persistence']}`));
    expect(await w.stop()).toBe(0);
  }, 60_000);

  it('does not run again on its own report written inside the folder, and watches a folder created after the start', async () => {
    const dir = tmp('plumbline-watch-');
    cpSync(fixture('python-agent'), dir, { recursive: true });
    const w = new Watch([dir, '-f', 'json', '-o', join(dir, 'report.json'), '--exclude', 'report.json']);
    await w.until(/^plumbline: watching/);
    // a new file in a new folder: the event comes from the (watched) parent
    mkdirSync(join(dir, 'agent', 'extra'));
    writeFileSync(join(dir, 'agent', 'extra', 'budget.py'), 'MAX_TOKENS = 1000\n');
    await w.until(RAN);
    // the run's own write of report.json is no change; wait well past the debounce
    await new Promise((r) => setTimeout(r, 800));
    expect(w.count(RAN)).toBe(1);
    // the new folder is watched now: an edit inside it starts a run
    writeFileSync(join(dir, 'agent', 'extra', 'budget.py'), 'MAX_TOKENS = 1000\nMAX_TURNS = 20\n');
    await w.until(RAN, 2);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(JSON.parse(cli(['evaluate', dir, '--no-cache', '-f', 'json', '--exclude', 'report.json']).stdout));
    expect(await w.stop()).toBe(0);
  }, 60_000);

  it('refuses flags that write or send something once per audit', () => {
    for (const extra of [['--judge', 'anthropic'], ['--judge', 'host'], ['--write-baseline', join(tmp(), 'b.json')], ['--emit-tests', tmp()]]) {
      const r = cli(['evaluate', fixture('python-agent'), '--watch', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--watch/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a bad target fails at once, as without --watch', () => {
    const r = cli(['evaluate', join(tmp(), 'missing'), '--watch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/target not found/);
  });
});

describe('reportChanges', () => {
  const rep = (score: number | null, verdicts: Record<string, string>) => ({ score, primitives: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict })) }) as unknown as Report;
  it('names the score and each verdict that moved, in the new order', () => {
    expect(reportChanges(rep(40, { a: 'absent', b: 'partial' }), rep(52, { a: 'present', b: 'partial' }))).toBe('score 40 -> 52; a absent -> present');
    expect(reportChanges(rep(40, { a: 'absent' }), rep(40, { a: 'absent' }))).toBe('no verdict changed');
    expect(reportChanges(rep(null, { a: 'absent' }), rep(10, { a: 'absent', b: 'present' }))).toBe('score n/a -> 10; b none -> present');
  });
});
