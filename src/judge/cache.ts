import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir, writeFileAtomic } from '../util/fs.js';
import type { z } from 'zod';
import { JudgeAnswerSchema, type JudgeAnswer } from './schema.js';

/**
 * Content-hash cache of valid judge answers: key = sha256 of (prompt version, model, the full
 * request body), so the same rubric, evidence and model never cost a second call. Lives in the
 * user cache dir (`judge/`); entries are re-validated on read.
 */
export class JudgeCache<T = JudgeAnswer> {
  private readonly dir: string | null;

  /** @param schema validates entries on read (default: the judge answer); @param sub cache subfolder */
  constructor(enabled: boolean, private readonly schema: z.ZodType<T> = JudgeAnswerSchema as unknown as z.ZodType<T>, sub = 'judge') {
    this.dir = enabled ? join(userCacheDir(), sub) : null;
  }

  get(key: string): T | undefined {
    if (!this.dir) return undefined;
    try {
      const r = this.schema.safeParse(JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, answer: T): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileAtomic(join(this.dir, `${key}.json`), JSON.stringify(answer));
    } catch {
      // a cache that cannot be written only costs a future call
    }
  }
}
