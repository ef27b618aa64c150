import { createInterface } from 'node:readline/promises';
import { readFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import { BriefSchema, readBriefFile, parseBrief, ProductShapeSchema, RiskSchema, EffectSchema, THRESHOLD_RE, UsersSchema, RunModeSchema, StackSchema, SideEffectSchema, type BriefInput, type Brief } from '../design/brief.js';
import { planFirstHarness, planFromAudit, planFromBrief } from '../design/planner.js';
import { checkEmitDir, criteriaOfPlan, emitTests, testLanguageOfReport, testLanguageOfStack, writeEmitted, type TestLanguage } from '../design/emit-tests.js';
import { renderPlan, type PlanFormat } from '../design/render.js';
import { loadRubric } from '../rubric/load.js';
import { ReportSchema } from '../report/schema.js';
import { ConfigError, UsageError, PlumblineError, formatZodIssues } from '../util/errors.js';
import { writeOut } from './output.js';
import { numberOption } from './options.js';

/**
 * Parses `--action "name:effect[:threshold]"` or the legacy `"name:risk[:sideEffect]"`, e.g.
 * `"refund an order:pay:200 USD"` or `"issue a refund:external:payments"`. @throws UsageError
 */
export function parseActionFlag(s: string): BriefInput['actions'][number] {
  const parts = s.split(':');
  const name = parts[0]?.trim();
  const second = parts[1]?.trim();
  const risk = RiskSchema.safeParse(second);
  const effect = EffectSchema.safeParse(second);
  if (!name || (!risk.success && !effect.success)) throw new UsageError(`--action "${s}": use name:effect[:threshold] with effect one of ${EffectSchema.options.join(', ')} (or name:risk[:side-effect] with risk one of ${RiskSchema.options.join(', ')})`);
  const third = parts.slice(2).join(':').trim();
  if (effect.success) {
    if (!third) return { name, effect: effect.data };
    if (!THRESHOLD_RE.test(third) || effect.data === 'read') throw new UsageError(`--action "${s}": the third part is a threshold such as "200 USD", for an action that is not read`);
    return { name, effect: effect.data, threshold: third };
  }
  if (third) {
    const se = SideEffectSchema.safeParse(third);
    if (!se.success) throw new UsageError(`--action "${s}": side effect must be one of ${SideEffectSchema.options.join(', ')}`);
    return { name, risk: risk.data, sideEffect: se.data };
  }
  return { name, risk: risk.data };
}

/** Brief fields given as flags (they override the brief file). */
function briefFromFlags(o: Record<string, unknown>): Partial<BriefInput> {
  const out: Partial<BriefInput> = {};
  if (o.name) out.name = String(o.name);
  if (o.summary) out.summary = String(o.summary);
  if (o.shape) out.shape = o.shape as BriefInput['shape'];
  if (o.action) out.actions = ([] as string[]).concat(o.action as string | string[]).map(parseActionFlag);
  if (o.users) out.users = o.users as BriefInput['users'];
  if (o.runs) out.runs = o.runs as BriefInput['runs'];
  if (o.stack) out.stack = o.stack as BriefInput['stack'];
  if (o.multiAgentReason || o.multiAgent) out.multiAgent = { wanted: true, ...(o.multiAgentReason ? { reason: String(o.multiAgentReason) } : {}) };
  if (o.solo || o.compliance || o.costCeiling !== undefined) {
    const n = o.costCeiling === undefined ? undefined : Number(o.costCeiling);
    if (n !== undefined && !(n > 0)) throw new UsageError(`--cost-ceiling must be a positive number of USD, got "${String(o.costCeiling)}"`);
    out.constraints = { soloMaintenance: o.solo === true, compliance: (o.compliance as string[] | undefined) ?? [], ...(n !== undefined ? { costCeilingUsd: n } : {}) };
  }
  if (o.ask) out.asks = o.ask as string[];
  if (o.unattended) out.unattended = true;
  if (o.schedule) out.schedule = String(o.schedule);
  if (o.regime) out.regimes = o.regime as string[];
  return out;
}

/** Asks, on a TTY, only for the required fields the brief does not have yet. */
async function questionnaire(partial: Partial<BriefInput>): Promise<Partial<BriefInput>> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  // the iterator buffers lines typed (or pasted) ahead of the next question
  const read = async (prompt: string): Promise<string> => {
    process.stderr.write(prompt);
    const n = await lines.next();
    if (n.done) throw new UsageError('questionnaire aborted (end of input); pass --brief FILE or the brief flags instead');
    return String(n.value).trim();
  };
  const ask = async (q: string, choices?: readonly string[]): Promise<string> => {
    for (;;) {
      const a = await read(`${q}${choices ? ` [${choices.join(' | ')}]` : ''}: `);
      if (a && (!choices || a.split(/[ ,]+/).every((x) => choices.includes(x)))) return a;
      process.stderr.write(choices ? `  please answer with ${choices.join(', ')}\n` : '  please answer\n');
    }
  };
  try {
    const b = { ...partial };
    if (!b.name) b.name = await ask('Product name');
    if (!b.shape) b.shape = (await ask('Product shape', ProductShapeSchema.options)) as BriefInput['shape'];
    if (!b.actions?.length) {
      b.actions = [];
      process.stderr.write('Actions the agent takes, one per line as name:effect[:threshold] (effect: read, mutate, destroy, pay, send, deploy); an empty line ends the list.\n');
      for (;;) {
        const line = await read(`  action ${b.actions.length + 1}: `);
        if (!line) {
          if (b.actions.length) break;
          continue;
        }
        try {
          b.actions.push(parseActionFlag(line));
        } catch (err) {
          process.stderr.write(`  ${(err as Error).message}\n`);
        }
      }
    }
    if (!b.users) b.users = (await ask('Who uses it', UsersSchema.options)) as BriefInput['users'];
    if (!b.runs?.length) b.runs = (await ask('How it runs (several allowed)', RunModeSchema.options)).split(/[ ,]+/) as BriefInput['runs'];
    if (!b.stack) b.stack = (await ask('Stack', StackSchema.options)) as BriefInput['stack'];
    if (b.multiAgent === undefined) {
      const why = await read('Does it need several agents? If yes, say why (empty = no): ');
      b.multiAgent = why ? { wanted: true, reason: why } : { wanted: false };
    }
    return b;
  } finally {
    rl.close();
  }
}

/** `plumbline design`: brief (file, flags, questionnaire or free text) or audit -> plan. @returns exit code */
export async function runDesign(opts: Record<string, unknown>): Promise<number> {
  const format = (opts.format as PlanFormat | undefined) ?? 'markdown';
  const rubric = loadRubric(opts.rubric as string | undefined).rubric;
  let plan;
  let testLanguage: TestLanguage | undefined;
  let stack: string | undefined;
  if (opts.firstHarness && !opts.fromAudit) throw new UsageError('--first-harness plans a first harness for a repository that has none: use it with --from-audit');
  if (opts.fromAudit) {
    if (opts.brief || opts.briefText) throw new UsageError('--from-audit plans from a report: leave out --brief and --brief-text');
    const file = String(opts.fromAudit);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${file}: cannot read the report: ${(err as Error).message.split('\n')[0]} (make it with plumbline evaluate -f json -o ${file})`);
    }
    if ((data as { tool?: { name?: unknown } } | null)?.tool?.name !== 'plumbline') throw new ConfigError(`${file}: not a plumbline JSON report (make one with plumbline evaluate <path> -f json -o ${file})`);
    const r = ReportSchema.safeParse(data);
    if (!r.success) throw new ConfigError(formatZodIssues(file, r.error.issues));
    if (!r.data.applicable && !opts.firstHarness) {
      process.stdout.write(`${r.data.target.name} is not an agent harness: there is no harness to upgrade (pass --first-harness to plan a first one, or --brief to design one).\n`);
      return 0;
    }
    plan = r.data.applicable ? planFromAudit(r.data, rubric) : planFirstHarness(r.data, rubric);
    testLanguage = r.data.applicable ? testLanguageOfReport(r.data) : undefined;
  } else {
    let partial: Partial<BriefInput> = opts.brief ? (readBriefFile(String(opts.brief)) as BriefInput) : {};
    partial = { ...partial, ...briefFromFlags(opts) };
    if (opts.briefText) {
      if (opts.judge !== 'anthropic') throw new UsageError('--brief-text needs --judge anthropic (or answer the questionnaire without it)');
      partial = { ...(await structureBriefText(String(opts.briefText), opts)), ...partial };
      if (opts.dryRun) return 0;
      process.stderr.write(`plumbline: structured brief:\n${toYaml(partial)}`);
      if (!opts.yes) {
        if (!process.stdin.isTTY) throw new UsageError('confirm the structured brief: re-run with --yes, or save it with --print-brief and pass --brief');
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const ok = (await rl.question('Use this brief? [y/N] ')).trim().toLowerCase();
        rl.close();
        if (ok !== 'y' && ok !== 'yes') throw new PlumblineError('brief not confirmed; nothing written');
      }
    }
    const missing = BriefSchema.safeParse(partial);
    if (!missing.success && process.stdin.isTTY === true && opts.input !== false) partial = await questionnaire(partial);
    const brief: Brief = parseBrief(partial, opts.brief ? String(opts.brief) : 'brief');
    if (opts.printBrief) {
      writeOut(toYaml(brief), opts);
      return 0;
    }
    plan = planFromBrief(brief, rubric);
    stack = brief.stack;
  }
  if (opts.emitTests) {
    const dir = checkEmitDir(String(opts.emitTests));
    const lang = testLanguage ?? testLanguageOfStack(stack ?? 'typescript');
    const written = writeEmitted(dir, emitTests(criteriaOfPlan(plan), lang, plan.name, plan.name, 'the design plan'));
    if (!opts.quiet) process.stderr.write(`plumbline: wrote ${criteriaOfPlan(plan).length} acceptance test(s) to ${written.join(', ')}\n`);
  }
  writeOut(await renderPlan(plan, format), opts);
  return 0;
}

async function structureBriefText(text: string, opts: Record<string, unknown>): Promise<Partial<BriefInput>> {
  const { briefFromText } = await import('../design/brief-llm.js');
  const { apiSetup } = await import('../judge/api.js');
  const { AuditLog, defaultAuditPath } = await import('../judge/audit.js');
  const { model, price, limits, caller, destination } = await apiSetup({
    model: opts.model as string | undefined, priceTable: opts.priceTable as string | undefined, baseURL: opts.baseUrl as string | undefined,
    limits: { maxCostUsd: numberOption('--max-cost', opts.maxCost, 0) }, dryRun: opts.dryRun === true, noKeyHint: 'answer the questionnaire instead',
  });
  const r = await briefFromText(text, {
    model, caller, destination, price, limits,
    audit: new AuditLog(opts.auditLog === false ? null : ((opts.auditLog as string | undefined) ?? defaultAuditPath())), cache: opts.cache !== false, dryRun: opts.dryRun === true,
  });
  if (opts.dryRun) {
    writeOut(`=== (brief) -> ${destination} (~${r.projectedInputTokens} input tokens); nothing was sent\n${JSON.stringify(r.body, null, 2)}\n`, opts);
    return {};
  }
  return r.brief as BriefInput;
}

