import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, type Report } from '../src/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fixture = (name: string) => join(ROOT, 'fixtures', name);
export const tmp = (prefix = 'plumbline-test-') => mkdtempSync(join(tmpdir(), prefix));

/** The environment of a CLI child: a private cache directory unless given, no colour. */
const childEnv = (env: Record<string, string>) => ({ ...process.env, PLUMBLINE_CACHE_DIR: env.PLUMBLINE_CACHE_DIR ?? tmp('plumbline-cache-'), NO_COLOR: '1', ...env });
const BIN = join(ROOT, 'bin', 'plumbline.js');

/** Runs the built CLI (dist/) in a child process with a private cache directory. */
export function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: childEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** id -> verdict table of a report's 12 core primitives. */
export function table(r: Report): Record<string, string> {
  return Object.fromEntries(r.primitives.filter((p) => p.group !== 'extended').map((p) => [p.id, p.verdict]));
}

/** id -> verdict table of a report's extended checks. */
export function extendedTable(r: Report): Record<string, string> {
  return Object.fromEntries(r.primitives.filter((p) => p.group === 'extended').map((p) => [p.id, p.verdict]));
}

export function run(name: string): Promise<Report> {
  return evaluate({ target: fixture(name), cache: false });
}

/**
 * Like `cli` but asynchronous: the test process keeps serving requests while the child runs
 * (needed when the child talks to a loopback server started by the test itself).
 */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
