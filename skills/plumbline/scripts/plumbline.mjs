#!/usr/bin/env node
// Launcher for the plumbline CLI used by the skill. It finds the CLI in this order:
//   1. $PLUMBLINE_BIN (a path to bin/plumbline.js);
//   2. scripts/plumbline-bin, written by `plumbline skill install`;
//   3. the plumbline checkout that contains this skill (plugin installs: <repo>/skills/plumbline);
//   4. `plumbline` on PATH.
// It then runs the CLI with the same arguments and exit code. It runs nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const recorded = join(here, 'plumbline-bin');
const candidates = [
  process.env.PLUMBLINE_BIN,
  existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : undefined,
  join(here, '..', '..', '..', 'bin', 'plumbline.js'),
].filter(Boolean);
const bin = candidates.find((p) => existsSync(p));
const args = process.argv.slice(2);
const r = bin
  ? spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' })
  : spawnSync('plumbline', args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (r.error) {
  process.stderr.write('plumbline: the CLI was not found. Install it (npm i -g plumbline, or npm ci in a clone) or set PLUMBLINE_BIN to bin/plumbline.js\n');
  process.exit(2);
}
process.exit(r.status ?? 3);
