import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatZodIssues } from '../util/errors.js';

/** Path of the complexity ladder and the regulatory remarks (data). */
export const LADDER_PATH = fileURLToPath(new URL('../../templates/design/ladder.yaml', import.meta.url));

/**
 * Conditions a level's entry can name. Each is computed from a brief (src/design/planner.ts) or
 * from an audit's context flags:
 * - always: every plan; unattended: nobody watches a run (headless, scheduled); long-running;
 * - workflow: multi-step work whose order code owns (a workflow orchestrator, scheduled runs);
 * - irreversible: an action that pays, sends, deploys or destroys outside a sandbox;
 * - regime: a named regime whose remark needs a durable primitive (e.g. PCI-DSS: the audit trail);
 * - many-tools: about 8 tools or more; multi-agent: the brief gives a reason for several agents.
 */
export const LadderConditionSchema = z.enum(['always', 'unattended', 'long-running', 'workflow', 'irreversible', 'regime', 'many-tools', 'multi-agent']);
export type LadderCondition = z.infer<typeof LadderConditionSchema>;

export const LevelIdSchema = z.enum(['lean', 'durable', 'extensible', 'multi-agent']);
export type LevelId = z.infer<typeof LevelIdSchema>;

const RegimeSchema = z.strictObject({ remark: z.string().min(1), primitives: z.array(z.string()).default([]) });

/**
 * The complexity ladder (issue 13, item 3) as data: lean → durable → extensible → multi-agent,
 * each level with its entry condition in words and as conditions, and the primitives it adds
 * (PRIMITIVES.md ids). Levels are cumulative. Regulatory remarks live beside it, keyed by regime
 * name (`default` for a regime not listed).
 */
export const LadderSchema = z
  .strictObject({
    levels: z
      .array(z.strictObject({ id: LevelIdSchema, title: z.string(), entry: z.string(), when: z.array(LadderConditionSchema).min(1), primitives: z.array(z.string()).min(1) }))
      .min(1),
    regimes: z.record(z.string(), RegimeSchema).refine((r) => 'default' in r, 'needs a "default" regime'),
  })
  .superRefine((l, ctx) => {
    const seen = new Map<string, string>();
    l.levels.forEach((lv, i) => {
      if (i === 0 && !lv.when.includes('always')) ctx.addIssue({ code: 'custom', path: ['levels', 0, 'when'], message: 'the first level must apply always' });
      lv.primitives.forEach((p, j) => {
        if (seen.has(p)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'primitives', j], message: `"${p}" is already on level ${seen.get(p)}` });
        seen.set(p, lv.id);
      });
    });
  });
export type Ladder = z.infer<typeof LadderSchema>;
export type Level = Ladder['levels'][number];

let cache: Ladder | undefined;

/**
 * Loads and validates `templates/design/ladder.yaml` (once per process).
 * @throws ConfigError with one line per schema problem
 */
export function loadLadder(file = LADDER_PATH): Ladder {
  if (file === LADDER_PATH && cache) return cache;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the complexity ladder: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = LadderSchema.safeParse(data);
  if (!r.success) throw new ConfigError(formatZodIssues(file, r.error.issues));
  if (file === LADDER_PATH) cache = r.data;
  return r.data;
}

/** The level of each primitive id on the ladder (primitives the ladder does not name are lean). */
export function levelOfPrimitive(ladder: Ladder, id: string): Level {
  return ladder.levels.find((l) => l.primitives.includes(id)) ?? ladder.levels[0]!;
}

/**
 * The highest level whose entry condition holds, and the conditions that hold on the way up
 * (in ladder order).
 * @param holds the conditions that hold for this brief or audit
 */
export function climb(ladder: Ladder, holds: ReadonlySet<LadderCondition>): { level: Level; index: number; because: LadderCondition[] } {
  let index = 0;
  ladder.levels.forEach((l, i) => {
    if (l.when.some((c) => c === 'always' || holds.has(c))) index = i;
  });
  const level = ladder.levels[index]!;
  const because = [...new Set(ladder.levels.slice(0, index + 1).flatMap((l) => l.when.filter((c) => c !== 'always' && holds.has(c))))];
  return { level, index, because };
}

/** The remark for a named regime (case-insensitive; `default` when the ladder has none for it). */
export function regimeRemark(ladder: Ladder, name: string): { name: string; remark: string; primitives: string[] } {
  const key = Object.keys(ladder.regimes).find((k) => k !== 'default' && k.toLowerCase() === name.trim().toLowerCase());
  const r = ladder.regimes[key ?? 'default']!;
  return { name: key ?? name.trim(), remark: r.remark, primitives: r.primitives };
}
