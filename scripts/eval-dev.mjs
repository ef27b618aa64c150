#!/usr/bin/env node
// Runs plumbline on exported copies of the labelled dev repositories and scores each with
// ../shared/eval/score.mjs. Usage: node scripts/eval-dev.mjs [DIR]  (DIR holds OWNER__NAME folders,
// default /tmp/dev; export them as ../shared/eval/README.md says). Prints per-repo and total figures.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', 'shared', 'eval');
const dir = process.argv[2] ?? '/tmp/dev';
const labels = readdirSync(join(shared, 'dev')).filter((f) => f.endsWith('.json'));
const out = mkdtempSync(join(tmpdir(), 'plumbline-eval-'));
let n = 0, exact = 0, found = 0, fp = 0;
for (const l of labels) {
  const name = l.replace(/\.json$/, '');
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
  const shape = JSON.parse(json).context.shape;
  console.log(`${name.padEnd(32)} exact ${s.exact}/${s.n}  found ${s.found}/${s.n}  false-present ${s.falsePresent}  shape ${shape}  ${ms} ms`);
  for (const r of res.rows) if (!r.exact) console.log(`   ${r.found ? 'near' : 'MISS'} ${r.id.padEnd(20)} want=${r.want.padEnd(8)} got=${r.have}`);
}
console.log(`TOTAL exact ${exact}/${n} (${Math.round((100 * exact) / n)}%)  found ${found}/${n} (${Math.round((100 * found) / n)}%)  false-present ${fp}`);
console.log(`reports in ${out}`);
