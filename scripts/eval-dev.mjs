#!/usr/bin/env node
// Runs plumbline on exported copies of the labelled dev repositories and scores each with
// ../shared/eval/score.mjs. Usage: node scripts/eval-dev.mjs [DIR]  (DIR holds OWNER__NAME folders,
// default /tmp/dev; export them as ../shared/eval/README.md says). Prints per-repo and total figures,
// for the 12 core primitives and, apart, for the extended checks (score.mjs --ids all minus core).
// Set ONLY=name1,name2 to run some repositories only.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', 'shared', 'eval');
const dir = process.argv[2] ?? '/tmp/dev';
const labels = readdirSync(join(shared, 'dev')).filter((f) => f.endsWith('.json'));
const out = mkdtempSync(join(tmpdir(), 'plumbline-eval-'));
let n = 0, exact = 0, found = 0, fp = 0, evN = 0, evHit = 0, snippets = 0, snippetsOk = 0;
let xn = 0, xexact = 0, xfound = 0, xfp = 0, xevN = 0, xevHit = 0;
const only = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : undefined;
const extendedLines = [];
for (const l of labels) {
  const name = l.replace(/\.json$/, '');
  if (only && !only.has(name)) continue;
  const target = join(dir, name);
  if (!existsSync(target)) { console.log(`${name}: not exported in ${dir}, skipped`); continue; }
  const t0 = Date.now();
  const json = execFileSync(process.execPath, [join(here, '..', 'bin', 'plumbline.js'), 'evaluate', target, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Date.now() - t0;
  const rp = join(out, `${name}.json`);
  writeFileSync(rp, json);
  const res = JSON.parse(execFileSync(process.execPath, [join(shared, 'score.mjs'), rp, join(shared, 'dev', l), '--json'], { encoding: 'utf8' }));
  const s = res.summary;
  n += s.n; exact += s.exact; found += s.found; fp += s.falsePresent;
  const report = JSON.parse(json);
  const shape = report.context.shape;
  // evidence agreement on the 12 core primitives (the extended checks are counted apart)
  const coreIds = new Set(res.rows.map((r) => r.id));
  const evRows = JSON.parse(execFileSync(process.execPath, [join(shared, 'evidence.mjs'), rp, join(shared, 'dev', l), '--json'], { encoding: 'utf8' })).rows;
  const ev = { n: 0, hit: 0 };
  for (const r of evRows) {
    if (coreIds.has(r.id)) { ev.n++; ev.hit += r.ok ? 1 : 0; } else { xevN++; xevHit += r.ok ? 1 : 0; }
  }
  evN += ev.n; evHit += ev.hit;
  // every snippet must be the text of its file at its line
  for (const p of report.primitives) for (const e of p.evidence) {
    snippets++;
    const text = readFileSync(join(target, e.file), 'utf8').split(/\r?\n/)[e.line - 1]?.trim() ?? '';
    if (text === e.snippet || (e.snippet.endsWith('...') && text.startsWith(e.snippet.slice(0, -3)))) snippetsOk++;
  }
  console.log(`${name.padEnd(32)} exact ${s.exact}/${s.n}  found ${s.found}/${s.n}  false-present ${s.falsePresent}  evidence ${ev.hit}/${ev.n}  shape ${shape}  ${ms} ms`);
  for (const r of res.rows) if (!r.exact) console.log(`   ${r.found ? 'near' : 'MISS'} ${r.id.padEnd(20)} want=${r.want.padEnd(8)} got=${r.have}`);
  const all = JSON.parse(execFileSync(process.execPath, [join(shared, 'score.mjs'), rp, join(shared, 'dev', l), '--json', '--ids', 'all'], { encoding: 'utf8' }));
  const core = new Set(res.rows.map((r) => r.id));
  const xrows = all.rows.filter((r) => !core.has(r.id));
  xn += xrows.length; xexact += xrows.filter((r) => r.exact).length; xfound += xrows.filter((r) => r.found).length;
  xfp += xrows.filter((r) => r.want === 'absent' && r.have === 'present').length;
  extendedLines.push(`${name.padEnd(32)} extended exact ${xrows.filter((r) => r.exact).length}/${xrows.length}`);
  for (const r of xrows) if (!r.exact) extendedLines.push(`   ${r.found ? 'near' : 'MISS'} ${r.id.padEnd(22)} want=${r.want.padEnd(8)} got=${r.have}`);
}
if (xn) {
  console.log('--- extended checks');
  for (const line of extendedLines) console.log(line);
  console.log(`EXTENDED exact ${xexact}/${xn} (${Math.round((100 * xexact) / xn)}%)  found ${xfound}/${xn} (${Math.round((100 * xfound) / xn)}%)  false-present ${xfp}  evidence ${xevHit}/${xevN}`);
}
console.log(`EVIDENCE (core) on a labelled file ${evHit}/${evN} (${Math.round((100 * evHit) / Math.max(1, evN))}%)  snippets found at file:line ${snippetsOk}/${snippets}`);
console.log(`TOTAL exact ${exact}/${n} (${Math.round((100 * exact) / n)}%)  found ${found}/${n} (${Math.round((100 * found) / n)}%)  false-present ${fp}`);
console.log(`reports in ${out}`);
