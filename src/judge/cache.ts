import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir, writeFileAtomic } from '../util/fs.js';
import { JudgeAnswerSchema, type JudgeAnswer } from './schema.js';

/**
 * Content-hash cache of valid judge answers: key = sha256 of (prompt version, model, the full
 * request body), so the same rubric, evidence and model never cost a second call. Lives in the
 * user cache dir (`judge/`); entries are re-validated on read.
 */
export class JudgeCache {
  private readonly dir: string | null;

  constructor(enabled: boolean) {
    this.dir = enabled ? join(userCacheDir(), 'judge') : null;
  }

  get(key: string): JudgeAnswer | undefined {
    if (!this.dir) return undefined;
    try {
      const r = JudgeAnswerSchema.safeParse(JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, answer: JudgeAnswer): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileAtomic(join(this.dir, `${key}.json`), JSON.stringify(answer));
    } catch {
      // a cache that cannot be written only costs a future call
    }
  }
}
