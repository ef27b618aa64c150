import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './helpers.js';
import { renderers, loadRubric, type Format } from '../src/index.js';

// Reporters are tested against golden files that `npm run golden` regenerates (STYLE.md 9):
// a reviewer reads the diff when a report changes.
const FORMATS: Array<[Format, string]> = [['text', 'txt'], ['json', 'json'], ['markdown', 'md'], ['sarif', 'sarif'], ['html', 'html']];

describe('reporter golden files', () => {
  for (const name of ['ts-minimal-chat', 'python-agent']) {
    it(`${name}: every format matches test/golden/report`, async () => {
      const r = await run(name);
      for (const [format, ext] of FORMATS) {
        const got = await renderers[format](r, { color: false, rubric: loadRubric().rubric });
        expect(got, `${name}.${ext} changed: run npm run golden and review the diff`).toBe(readFileSync(join(ROOT, 'test', 'golden', 'report', `${name}.${ext}`), 'utf8'));
      }
    });
  }
});
