#!/usr/bin/env node
// Build step (`npm run build`): loads the bundled rubric from its YAML files (parsed and
// validated as at run time) and writes it with the hash of those files to dist/rubrics.json, which
// loadRubric() reads instead while the hash matches (src/rubric/load.ts). Writes nothing, and says
// so, when the rubric would not survive the JSON round trip unchanged.
import { writeFileSync, rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadRubric, COMPILED_RUBRIC_PATH } = await import(join(root, 'dist', 'rubric', 'load.js'));
rmSync(COMPILED_RUBRIC_PATH, { force: true });
const { rubric, hash } = loadRubric(undefined, { compiled: false });
const json = JSON.stringify({ hash, rubric });
if (!isDeepStrictEqual(JSON.parse(json).rubric, rubric)) {
  console.error('compile-rubrics: the rubric does not survive JSON unchanged; dist/rubrics.json not written (the YAML is read at run time)');
} else {
  writeFileSync(COMPILED_RUBRIC_PATH, json);
}
