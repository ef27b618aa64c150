// Regenerates skills/plumbline/references/*.md from rubrics/core.yaml (npm run skill:refs).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRubric } from '../dist/rubric/load.js';
import { renderSkillReferences } from '../dist/skill/references.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'skills', 'plumbline', 'references');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(renderSkillReferences(loadRubric().rubric))) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote skills/plumbline/references/${name}`);
}
