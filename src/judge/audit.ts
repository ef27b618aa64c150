import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userCacheDir } from '../util/fs.js';
import { PlumblineError } from '../util/errors.js';

/**
 * One line of the judge audit log (PRIMITIVES.md `permission-audit` applied to plumbline
 * itself): what left the machine, to where, and what it cost. Written for every judge request,
 * cache hits, dry runs and refused calls included.
 */
export interface AuditEntry {
  /** ISO 8601 time. */
  time: string;
  /** `anthropic:<host>` for API calls, `host-worksheet:<path>` for worksheets. */
  destination: string;
  model: string | null;
  primitive: string;
  /** sha256 of the request body (first 16 hex), to match entries with the judge cache. */
  requestHash: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  cacheHit: boolean;
  /** HTTP attempts made (retries included); 0 when nothing was sent. */
  attempts: number;
  redactions: number;
  withheldFiles: number;
  outcome: 'ok' | 'cached' | 'discarded' | 'failed' | 'budget-stop' | 'circuit-open' | 'dry-run' | 'worksheet';
  detail: string;
}

/** Default audit log path: `<user cache dir>/audit/judge.jsonl` (never inside the scanned repository). */
export function defaultAuditPath(): string {
  return join(userCacheDir(), 'audit', 'judge.jsonl');
}

/** Appends JSONL entries to the audit log. `path === null` disables the log. */
export class AuditLog {
  constructor(readonly path: string | null) {}

  /** @throws PlumblineError when the log cannot be written (a judge must not run unaudited) */
  append(e: AuditEntry): void {
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, JSON.stringify(e) + '\n');
    } catch (err) {
      throw new PlumblineError(`cannot append to the audit log ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
}
