#!/usr/bin/env node
// Benchmark on real repositories (issue 16), `npm run bench:real -- [options] DIR...`.
// Each DIR is an exported repository (a git work tree or a plain folder). In one run it prints:
//   1. per repository, interleaved, `--runs` times each: the parse floor (scripts/bench-floor.mjs:
//      plumbline's file list, every TS/JS file through the compiler API's createSourceFile, every
//      Python/Go/Rust file through tree-sitter) and `plumbline evaluate --no-cache` (cold, the CLI
//      end to end); medians of wall time, CPU time (user+sys) and peak RSS, and the ratios;
//   2. `--trio A,B,C` (default: the first three DIRS): the three as subfolders of one temporary
//      git work tree, cold, against the sum of their separate cold times, and its peak RSS against
//      the floor's on the same folder;
//   3. on `--changed DIR` (default: the DIR named gemini-cli, else the first): an unchanged re-run
//      with the cache, in git and in a copy outside git (the non-git walker), and a re-run after
//      one file changed (`--changed-file`, default the largest non-test TypeScript source file),
//      by the CLI, by `tools/call evaluate` on a long-lived `plumbline mcp` server, and under
//      `plumbline evaluate --watch` (from the edit to the run's summary line).
// Every figure is one child process measured by /usr/bin/time (wall, user+sys, max RSS), so
// Node's start-up is in both the floor and plumbline. On a shared machine CPU time is the
// steadier figure; both are printed. Options: --runs N (default 3), --json FILE, --skip cold,trio,rerun,
// --jobs N (passed to every plumbline run; default: plumbline's own choice). The extract worker
// threads a cold run used (issue 16; 1 = in-process) are printed with its figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'plumbline.js');
const floorScript = join(root, 'scripts', 'bench-floor.mjs');

// ---------- options ----------
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('runs', 3));
const jsonOut = opt('json', undefined);
const skip = new Set((opt('skip', '') ?? '').split(',').filter(Boolean));
const trioArg = opt('trio', undefined);
const changedArg = opt('changed', undefined);
const changedFileArg = opt('changed-file', undefined);
const jobsArg = opt('jobs', undefined);
const jobsFlag = jobsArg === undefined ? [] : ['--jobs', jobsArg];
const dirs = args.map((d) => resolve(d));
if (!dirs.length) {
  console.error('usage: npm run bench:real -- [--runs N] [--trio A,B,C] [--changed DIR] [--changed-file PATH] [--skip cold,trio,rerun] [--json FILE] [--jobs N] DIR...');
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

// ---------- measuring one child process ----------
const timeFile = join(mkdtempSync(join(tmpdir(), 'plumbline-bench-time-')), 'time.txt');
/** Runs node with `argv`; @returns wall s, cpu s (user+sys), rss MB, and stdout when asked. */
function measure(argv, env = {}, keepStdout = false) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...argv], {
    encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  // `--timings` names the extract worker threads when a run used some
  const workers = /^plumbline: extract used (\d+) worker/m.exec(r.stderr);
  return { wall, cpu: user + sys, rss: rssKb / 1024, stdout: r.stdout, jobs: workers ? Number(workers[1]) : 1 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const med = (list) => ({ wall: median(list.map((x) => x.wall)), cpu: median(list.map((x) => x.cpu)), rss: median(list.map((x) => x.rss)), jobs: Math.max(...list.map((x) => x.jobs ?? 1)) });
const cold = (dir, env = {}) => measure([cli, 'evaluate', dir, '--format', 'json', '--no-cache', '--no-config', '-q', '--timings', ...jobsFlag], env);
const floor = (dir) => measure([floorScript, dir], {}, true);
const f2 = (x) => x.toFixed(2);
const results = { date: new Date().toISOString(), node: process.version, runs, repos: [], trio: null, reruns: null };
const log = (s = '') => console.log(s);

// ---------- 1. floor vs cold per repository ----------
log(`plumbline bench:real — ${runs} runs each, medians; wall and CPU (user+sys) seconds, peak RSS MB`);
log('');
log('| repository | files (TS/JS, tree-sitter) | floor wall / CPU / RSS | plumbline wall / CPU / RSS | jobs | ratio wall / CPU | RSS ratio |');
log('|---|---|---|---|---|---|---|');
const coldOf = new Map();
for (const dir of skip.has('cold') ? [] : dirs) {
  const fl = [];
  const pl = [];
  let counts;
  for (let i = 0; i < runs; i++) {
    const f = floor(dir);
    counts = JSON.parse(f.stdout.trim().split('\n').pop());
    fl.push(f);
    pl.push(cold(dir));
  }
  const F = med(fl);
  const P = med(pl);
  coldOf.set(dir, P);
  const row = { repo: basename(dir), counts, floor: F, plumbline: P, ratioWall: P.wall / F.wall, ratioCpu: P.cpu / F.cpu, ratioRss: P.rss / F.rss };
  results.repos.push(row);
  log(`| ${row.repo} | ${counts.ts} (${(counts.tsBytes / 1e6).toFixed(1)} MB), ${counts.sitter} (${(counts.sitterBytes / 1e6).toFixed(1)} MB) | ${f2(F.wall)} / ${f2(F.cpu)} s / ${F.rss.toFixed(0)} | ${f2(P.wall)} / ${f2(P.cpu)} s / ${P.rss.toFixed(0)} | ${P.jobs} | ${f2(row.ratioWall)}x / ${f2(row.ratioCpu)}x | ${f2(row.ratioRss)}x |`);
}

// ---------- 2. three repositories side by side ----------
const trio = trioArg ? trioArg.split(',').map((d) => resolve(d)) : dirs.slice(0, 3);
if (!skip.has('trio') && !skip.has('cold') && trio.length === 3) {
  const tmp = mkdtempSync(join(tmpdir(), 'plumbline-bench-trio-'));
  for (const d of trio) {
    // hard links: a cheap copy; the nested .git folders are unlinked so the three are one work tree
    execFileSync('cp', ['-al', d, join(tmp, basename(d))]);
    rmSync(join(tmp, basename(d), '.git'), { recursive: true, force: true });
  }
  execFileSync('git', ['init', '-q', tmp]);
  execFileSync('git', ['-C', tmp, 'add', '-A']);
  for (const d of trio) if (!coldOf.has(d)) coldOf.set(d, med(Array.from({ length: runs }, () => cold(d))));
  const fl = [];
  const pl = [];
  for (let i = 0; i < runs; i++) {
    fl.push(floor(tmp));
    pl.push(cold(tmp));
  }
  const F = med(fl);
  const P = med(pl);
  const sum = { wall: trio.reduce((a, d) => a + coldOf.get(d).wall, 0), cpu: trio.reduce((a, d) => a + coldOf.get(d).cpu, 0) };
  results.trio = { repos: trio.map((d) => basename(d)), floor: F, plumbline: P, sumSeparate: sum, ratioWall: P.wall / sum.wall, ratioCpu: P.cpu / sum.cpu, ratioRss: P.rss / F.rss };
  log('');
  log(`three side by side (${trio.map((d) => basename(d)).join(' + ')}):`);
  log(`  floor ${f2(F.wall)} s wall / ${f2(F.cpu)} s CPU / ${F.rss.toFixed(0)} MB; plumbline ${f2(P.wall)} s / ${f2(P.cpu)} s / ${P.rss.toFixed(0)} MB`);
  log(`  sum of separate runs ${f2(sum.wall)} s wall / ${f2(sum.cpu)} s CPU -> together / sum = ${f2(P.wall / sum.wall)}x wall, ${f2(P.cpu / sum.cpu)}x CPU (target <= 1.1x)`);
  log(`  peak RSS ${P.rss.toFixed(0)} MB vs floor ${F.rss.toFixed(0)} MB = ${f2(P.rss / F.rss)}x (target <= 1.2x)`);
  rmSync(tmp, { recursive: true, force: true });
}

// ---------- 3. re-runs with the cache ----------
const changedDir = changedArg ? resolve(changedArg) : dirs.find((d) => basename(d) === 'gemini-cli') ?? dirs[0];
if (!skip.has('rerun')) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'plumbline-bench-cache-'));
  const env = { PLUMBLINE_CACHE_DIR: cacheDir };
  const warm = (dir) => measure([cli, 'evaluate', dir, '--format', 'json', '--no-config', '-q', ...jobsFlag], env);
  const rerun = (dir) => {
    warm(dir);
    return med(Array.from({ length: Math.max(runs, 5) }, () => warm(dir)));
  };
  // a git work tree (the exported folder itself when it is one, else a copy made into one)
  const tmp = mkdtempSync(join(tmpdir(), 'plumbline-bench-rerun-'));
  const gitCopy = join(tmp, 'git', basename(changedDir));
  execFileSync('mkdir', ['-p', dirname(gitCopy)]);
  execFileSync('cp', ['-a', changedDir, gitCopy]);
  if (!existsSync(join(gitCopy, '.git'))) {
    execFileSync('git', ['init', '-q', gitCopy]);
    execFileSync('git', ['-C', gitCopy, 'add', '-A']);
  }
  const plain = join(tmp, 'plain', basename(changedDir));
  execFileSync('mkdir', ['-p', dirname(plain)]);
  execFileSync('cp', ['-al', changedDir, plain]);
  rmSync(join(plain, '.git'), { recursive: true, force: true });
  const inGit = rerun(gitCopy);
  const noGit = rerun(plain);
  // one file changed: a new line appended before each run (the run memo misses, the facts cache hits)
  const list = execFileSync('git', ['-C', gitCopy, 'ls-files'], { encoding: 'utf8' }).split('\n');
  const file = changedFileArg ?? list
    .filter((p) => /\.tsx?$/.test(p) && !/(^|\/)(tests?|__tests__|fixtures?|scripts?|docs?)\/|\.(test|spec)\.|\.d\.ts$/.test(p))
    .map((p) => [p, statSync(join(gitCopy, p)).size]).sort((a, b) => b[1] - a[1])[0]?.[0];
  warm(gitCopy);
  const changed = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    appendFileSync(join(gitCopy, file), `\n// bench edit ${i}\n`);
    changed.push(warm(gitCopy));
  }
  const C = med(changed);
  // the same edit through `plumbline mcp`, a long-lived server: its first call pays the start-up,
  // the compiler load and the JIT's warm-up once; each later call is timed from request to reply
  const M = await mcpChanged(gitCopy, file, env);
  const W = await watchChanged(gitCopy, file, env);
  results.reruns = { repo: basename(changedDir), git: inGit, noGit, changedFile: file, changed: C, mcpChanged: M, watchChanged: W };
  log('');
  log(`re-runs with the cache on ${basename(changedDir)} (median of ${Math.max(runs, 5)}):`);
  log(`  unchanged, git work tree   ${f2(inGit.wall)} s wall / ${f2(inGit.cpu)} s CPU / ${inGit.rss.toFixed(0)} MB (target <= 0.3 s)`);
  log(`  unchanged, outside git     ${f2(noGit.wall)} s wall / ${f2(noGit.cpu)} s CPU / ${noGit.rss.toFixed(0)} MB (target <= 0.3 s)`);
  log(`  one file changed (${file})  ${f2(C.wall)} s wall / ${f2(C.cpu)} s CPU / ${C.rss.toFixed(0)} MB (target <= 1.0 s)`);
  log(`  one file changed, MCP server (tools/call evaluate, warm process)  ${f2(M.wall)} s wall / ${f2(M.cpu)} s CPU (server RSS ${M.rss.toFixed(0)} MB)`);
  log(`  one file changed, evaluate --watch (edit to report)  ${f2(W.wall)} s wall / ${f2(W.cpu)} s CPU; the first edit after the start ${f2(W.first.wall)} s (process RSS ${W.rss.toFixed(0)} MB)`);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));

/** CPU seconds (user + system) of process `pid` so far, from /proc/PID/stat (100 clock ticks a second on Linux). */
function cpuOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [utime, stime] = f.slice(f.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
  return (utime + stime) / 100;
}

/** Resolves once process `pid` has used no CPU over half a second (its background warm-up is over). */
async function idle(pid) {
  for (let last = -1; ; ) {
    const c = cpuOf(pid);
    if (c === last) return;
    last = c;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * One file changed, under `plumbline evaluate DIR --watch`: started once, left until its CPU is
 * idle (the first run and its warm-up passes are over), then `file` is appended to
 * `max(runs, 5) + 1` times; each edit is timed from the append to the run's summary line on
 * stderr (so the debounce and the file event's delivery count), the first apart.
 * @returns medians of the later edits' wall and CPU seconds, the first edit's, and the RSS at the end in MB
 */
async function watchChanged(dir, file, env) {
  const { spawn } = await import('node:child_process');
  const out = join(mkdtempSync(join(tmpdir(), 'plumbline-bench-watch-')), 'report.json');
  const child = spawn(process.execPath, [cli, 'evaluate', dir, '--watch', '-f', 'json', '-o', out, ...jobsFlag], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const ran = () => (stderr.match(/^plumbline: re-ran in /gm) ?? []).length;
  const until = async (ok) => {
    const deadline = Date.now() + 600_000;
    while (!ok()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`evaluate --watch: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await until(() => /^plumbline: watching /m.test(stderr));
  await idle(child.pid);
  const edits = [];
  for (let i = 0; i <= Math.max(runs, 5); i++) {
    const n = ran();
    const c0 = cpuOf(child.pid);
    const t0 = performance.now();
    appendFileSync(join(dir, file), `\n// watch bench edit ${i}\n`);
    await until(() => ran() > n);
    edits.push({ wall: (performance.now() - t0) / 1000, cpu: cpuOf(child.pid) - c0, rss: 0 });
    await new Promise((r) => setTimeout(r, 300));
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  rmSync(dirname(out), { recursive: true, force: true });
  return { ...med(edits.slice(1)), first: edits[0], rss };
}

/**
 * One file changed, through `plumbline mcp`: the server is started on the folder's parent, called
 * once (start-up, compiler load, JIT warm-up) and left until its CPU is idle (its warm-up pass is
 * over: an agent reads the report before it edits), then `max(runs, 5)` times after appending a
 * line to `file`. @returns medians of the calls' wall seconds and the server's CPU seconds per call (from
 * /proc/PID/stat), and the server's RSS at the end, in MB.
 */
async function mcpChanged(dir, file, env) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--root', dirname(dir), ...jobsFlag], env: { ...process.env, ...env }, stderr: 'ignore' });
  const client = new Client({ name: 'bench-real', version: '1.0.0' });
  await client.connect(transport);
  const ticks = () => cpuOf(transport.pid);
  const call = async () => {
    const c0 = ticks();
    const t0 = performance.now();
    const res = await client.callTool({ name: 'evaluate', arguments: { path: basename(dir) } }, undefined, { timeout: 600_000 });
    if (res.isError) throw new Error(`mcp evaluate failed: ${res.content?.[0]?.text}`);
    return { wall: (performance.now() - t0) / 1000, cpu: ticks() - c0, rss: 0 };
  };
  await call();
  await idle(transport.pid);
  const calls = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    appendFileSync(join(dir, file), `\n// mcp bench edit ${i}\n`);
    calls.push(await call());
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${transport.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  await client.close();
  return { ...med(calls), rss };
}
