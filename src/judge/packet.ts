import { openSync, readSync, closeSync, fstatSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Report, PrimitiveResult } from '../report/schema.js';
import type { Rubric, Primitive } from '../rubric/schema.js';
import type { PacketEvidence } from './schema.js';
import { isSensitivePath, looksLikeInjection, redactSecrets } from './redact.js';
import { codeOnly, commentStyleOf, type CommentStyle } from './strip.js';

/**
 * What the judge receives for one primitive (PRIMITIVES.md id): the rubric criteria, the static
 * verdict and a bounded set of evidence excerpts, each redacted and with a few lines of context.
 */
export interface Packet {
  primitive: string;
  title: string;
  what: string;
  criteria: Array<{ id: string; description: string; met: boolean }>;
  /** The rubric's verdict rules in words, e.g. "present when (schema and registry)". */
  verdictRules: string;
  staticVerdict: PrimitiveResult['verdict'];
  staticRationale: string;
  evidence: PacketEvidence[];
  /** Secrets replaced in this packet's excerpts. */
  redactions: number;
  /** Evidence items not sent because their file is sensitive. */
  withheld: number;
  /** True when an excerpt contains text addressed to an AI reviewer. */
  suspicious: boolean;
}

/** Limits of a packet: evidence items per primitive and context lines on each side. */
export interface PacketOptions {
  maxEvidence?: number;
  contextLines?: number;
  /**
   * `--judge-mode adjust`: excerpts carry code only. Comments and docstrings are removed and
   * string literals over MAX_STRING characters elided (see strip.ts), so text written into the
   * repository cannot address a judge whose answer may move a verdict.
   */
  codeOnly?: boolean;
}

const MAX_LINE = 240;

/** The rubric's DNF verdict rules as one sentence (shown to judges). */
export function verdictRulesText(p: Primitive): string {
  const dnf = (rules: string[][]) => rules.map((r) => `(${r.join(' and ')})`).join(' or ');
  return `present when ${dnf(p.verdict.present)}; partial when ${dnf(p.verdict.partial)}; otherwise absent.`;
}

/**
 * Reads lines [from, to] (1-based, inclusive) of a file inside `root`, at most 256 KiB read;
 * with `strip`, the code-only view of the whole file (comments and docstrings removed).
 * @returns undefined when the file is gone, unreadable, or resolves outside the root
 */
function readLines(root: string, rel: string, from: number, to: number, strip?: CommentStyle): string[] | undefined {
  try {
    const abs = realpathSync(join(root, rel));
    const realRoot = realpathSync(root);
    if (abs !== realRoot && !abs.startsWith(realRoot + sep)) return undefined;
    const fd = openSync(abs, 'r');
    try {
      const size = Math.min(fstatSync(fd).size, 256 * 1024);
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, 0);
      const text = buf.toString('utf8');
      return (strip ? codeOnly(text, strip) : text).split(/\r?\n/).slice(from - 1, to).map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Builds one packet per primitive that has evidence (a primitive with none has nothing to review
 * and is never sent). Evidence is taken strongest first, one item per file and line.
 * @param root the scanned directory (excerpts are re-read from it, never from outside it)
 */
export async function buildPackets(report: Report, rubric: Rubric, root: string, opts: PacketOptions = {}): Promise<Packet[]> {
  const maxEvidence = opts.maxEvidence ?? 6;
  const ctx = opts.contextLines ?? 3;
  const out: Packet[] = [];
  for (const p of report.primitives) {
    const rp = rubric.primitives.find((x) => x.id === p.id);
    if (!rp || !p.evidence.length) continue;
    const packet: Packet = {
      primitive: p.id,
      title: p.title,
      what: rp.what.trim(),
      criteria: rp.criteria.map((c) => ({ id: c.id, description: c.description, met: p.criteria[c.id]?.met ?? false })),
      verdictRules: verdictRulesText(rp),
      staticVerdict: p.verdict,
      staticRationale: p.rationale,
      evidence: [],
      redactions: 0,
      withheld: 0,
      suspicious: false,
    };
    const seen = new Set<string>();
    const ordered = [...p.evidence].sort((a, b) => b.strength - a.strength || a.id.localeCompare(b.id));
    for (const e of ordered) {
      if (packet.evidence.length >= maxEvidence) break;
      const key = `${e.file}:${e.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (isSensitivePath(e.file)) {
        packet.withheld++;
        continue;
      }
      const startLine = Math.max(1, e.line - ctx);
      const style = opts.codeOnly ? commentStyleOf(e.file) : undefined;
      const read = readLines(root, e.file, startLine, e.line + ctx, style);
      const lines = read ?? [style ? codeOnly(e.snippet, style) : e.snippet];
      const raw = lines.join('\n');
      const { text, count } = await redactSecrets(raw);
      packet.redactions += count;
      if (looksLikeInjection(raw)) packet.suspicious = true;
      packet.evidence.push({ id: e.id, file: e.file, line: e.line, signal: e.signal, criterion: e.criterion, startLine: read ? startLine : e.line, code: text });
    }
    if (packet.evidence.length || packet.withheld) out.push(packet);
  }
  return out;
}
