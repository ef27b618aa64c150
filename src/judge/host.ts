import type { Report } from '../report/schema.js';
import type { Rubric } from '../rubric/schema.js';
import { ConfigError } from '../util/errors.js';
import { readJsonFile } from '../util/json.js';
import { sha256 } from '../util/fs.js';
import { buildPackets, type Packet, type PacketOptions } from './packet.js';
import { JUDGE_INSTRUCTIONS } from './prompt.js';
import { answerJsonSchema, WorksheetSchema, type Worksheet, type JudgeReview, type JudgeResults } from './schema.js';
import { answeredReview, blankReview, emptyUsage, noPacketNote, validateAnswer, type JudgeRun } from './run.js';

/**
 * `--judge host` (issue 3): no API at all. The host agent running the skill (Claude Code, Codex)
 * is the judge: plumbline writes a worksheet with, per primitive, the criteria, the static
 * verdict and the redacted evidence with ids; the agent fills in `review`; `--judge-results`
 * validates the file and merges it with the same rules as the API judge.
 */

/** Hash tying a worksheet to one static run's evidence (ids and excerpts). */
export function evidenceHash(packets: Packet[]): string {
  return sha256(JSON.stringify(packets.map((p) => [p.primitive, p.staticVerdict, p.evidence.map((e) => [e.id, e.code])]))).slice(0, 32);
}

/** How the CLI's worksheet says to hand the review back. */
const CLI_HAND_BACK = 'then run plumbline evaluate again with --judge-results <this file>';

/**
 * Builds the worksheet for a static report. Primitives without evidence are not listed.
 * @param handBack the end of the instructions: how the filled review gets back to plumbline
 */
export async function buildWorksheet(report: Report, rubric: Rubric, root: string, opts?: PacketOptions, handBack = CLI_HAND_BACK): Promise<{ worksheet: Worksheet; packets: Packet[] }> {
  const packets = report.applicable ? await buildPackets(report, rubric, root, opts) : [];
  const worksheet: Worksheet = {
    kind: 'plumbline-judge-worksheet',
    schemaVersion: 1,
    target: report.target.name,
    rubric: `${report.rubric.id}@${report.rubric.hash}`,
    evidenceHash: evidenceHash(packets),
    instructions: `${JUDGE_INSTRUCTIONS}\nFor each item, read the cited files around the evidence lines, then replace "review": null with an object of this JSON Schema: ${JSON.stringify(answerJsonSchema())}. Leave "review": null for an item you did not review. Do not change anything else in this file; ${handBack}.`,
    items: packets.map((p) => ({
      primitive: p.primitive, title: p.title, what: p.what, criteria: p.criteria, verdictRules: p.verdictRules,
      staticVerdict: p.staticVerdict, staticRationale: p.staticRationale, evidence: p.evidence, review: null,
    })),
  };
  return { worksheet, packets };
}

/** Markdown view of a worksheet for people and agents that prefer reading it. */
export function worksheetMarkdown(w: Worksheet): string {
  const fence = (s: string) => {
    const n = Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1));
    return '`'.repeat(n);
  };
  const out = [`# plumbline judge worksheet: ${w.target}`, '', `Rubric ${w.rubric}; evidence hash ${w.evidenceHash}.`, '', w.instructions, ''];
  for (const it of w.items) {
    out.push(`## ${it.primitive}: ${it.title}`, '', `Static verdict: **${it.staticVerdict}**. ${it.staticRationale}`, '', it.what, '');
    for (const c of it.criteria) out.push(`- ${c.met ? '[x]' : '[ ]'} \`${c.id}\`: ${c.description}`);
    out.push('', `Verdict rules: ${it.verdictRules}`, '');
    for (const e of it.evidence) {
      const f = fence(e.code);
      out.push(`### ${e.id} — ${e.file}:${e.line} (${e.criterion} / ${e.signal})`, '', `${f}text`, e.code, f, '');
    }
  }
  return out.join('\n');
}

/**
 * Reads a filled worksheet and turns it into judge reviews for `report`.
 * @throws ConfigError when the file is unreadable, fails the schema, or belongs to another run
 */
export async function readJudgeResults(file: string, report: Report, rubric: Rubric, root: string, opts?: PacketOptions): Promise<JudgeRun> {
  const sheet = readJsonFile(file, WorksheetSchema, 'judge results');
  return judgeRunOf(sheet, { where: file, again: 'run --judge host again' }, report, rubric, root, opts);
}

/**
 * Turns a host agent's reviews (a filled worksheet, or just its hash and reviews) into judge
 * reviews for `report`, under the same rules as the API judge.
 * @param from where the results came from and how to get fresh ones, for the error
 * @throws ConfigError when the results belong to other evidence
 */
export async function judgeRunOf(sheet: JudgeResults, from: { where: string; again: string }, report: Report, rubric: Rubric, root: string, opts?: PacketOptions): Promise<JudgeRun> {
  const { packets } = await buildWorksheet(report, rubric, root, opts);
  if (sheet.evidenceHash !== evidenceHash(packets)) {
    throw new ConfigError(`${from.where}: these judge results were made for different evidence (the code, the rubric or --judge-mode changed since the worksheet was written); ${from.again}`);
  }
  const byId = new Map(sheet.items.map((i) => [i.primitive, i]));
  const usage = emptyUsage();
  const reviews: JudgeReview[] = report.primitives.map((p) => {
    const packet = packets.find((x) => x.primitive === p.id);
    const item = byId.get(p.id);
    if (!packet) return blankReview(p, 'skipped', report.applicable ? noPacketNote(p) : 'not an agent harness');
    usage.redactions += packet.redactions;
    usage.withheldFiles += packet.withheld;
    if (!item?.review) return blankReview(p, 'skipped', 'the host agent left this item unreviewed', packet.suspicious);
    const v = validateAnswer(item.review, packet);
    if ('error' in v) return blankReview(p, 'discarded', v.error, packet.suspicious);
    return answeredReview(p, 'judged', v.answer, packet.suspicious);
  });
  const stopReason = report.applicable ? null : { code: 'not-applicable' as const, primitive: null, message: 'the target is not an agent harness: nothing to review' };
  return { reviews, usage, stopReason, dryRun: [] };
}
