#!/usr/bin/env node
// Regenerates schema/*.schema.json (report, rubric, brief, plan, worksheet) from the zod schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaOf } from '../dist/cli/schema.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
mkdirSync(dir, { recursive: true });
for (const which of ['report', 'rubric', 'brief', 'plan', 'worksheet', 'config', 'baseline']) {
  writeFileSync(join(dir, `${which}.schema.json`), `${JSON.stringify(jsonSchemaOf(which), null, 2)}\n`);
  console.log(`wrote schema/${which}.schema.json`);
}
