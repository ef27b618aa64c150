// Regenerates the golden files of the design tests (npm run golden): one Markdown and one JSON
// plan per brief in fixtures/briefs, plus the upgrade plan of the ts-minimal-chat audit.
// Review the diff: these files are what the tests compare against.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRubric } from '../dist/rubric/load.js';
import { readBriefFile } from '../dist/design/brief.js';
import { planFromBrief, planFromAudit } from '../dist/design/planner.js';
import { renderPlan } from '../dist/design/render.js';
import { evaluate } from '../dist/evaluate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'golden', 'design');
mkdirSync(out, { recursive: true });
const { rubric } = loadRubric();
for (const f of readdirSync(join(root, 'fixtures', 'briefs')).sort()) {
  const plan = planFromBrief(readBriefFile(join(root, 'fixtures', 'briefs', f)), rubric);
  const name = basename(f, '.yaml');
  writeFileSync(join(out, `${name}.md`), await renderPlan(plan, 'markdown'));
  writeFileSync(join(out, `${name}.json`), await renderPlan(plan, 'json'));
  console.log(`wrote test/golden/design/${name}.{md,json}`);
}
const report = await evaluate({ target: join(root, 'fixtures', 'ts-minimal-chat'), cache: false });
writeFileSync(join(out, 'from-audit-ts-minimal-chat.md'), await renderPlan(planFromAudit(report, rubric), 'markdown'));
console.log('wrote test/golden/design/from-audit-ts-minimal-chat.md');

// reporter golden files (STYLE.md convention 9): every format for two fixtures
import { renderers } from '../dist/report/index.js';
const reportDir = join(root, 'test', 'golden', 'report');
mkdirSync(reportDir, { recursive: true });
for (const name of ['ts-minimal-chat', 'python-agent']) {
  const r = await evaluate({ target: join(root, 'fixtures', name), cache: false });
  for (const [format, ext] of [['text', 'txt'], ['json', 'json'], ['markdown', 'md'], ['sarif', 'sarif'], ['html', 'html']]) {
    writeFileSync(join(reportDir, `${name}.${ext}`), await renderers[format](r, { color: false, rubric }));
  }
  console.log(`wrote test/golden/report/${name}.{txt,json,md,sarif,html}`);
}
