import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temp folder per test run (issue 12 item 19): every test, and every CLI child it starts,
 * creates its temp folders and caches under it (TMPDIR points there), and teardown removes it,
 * so a run leaves nothing behind in /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'plumbline-test-run-'));
  process.env.PLUMBLINE_TEST_TMP = root;
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
