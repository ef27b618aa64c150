import type { Report } from '../report/schema.js';
import { UsageError } from '../util/errors.js';
import { writeOut } from './output.js';

/**
 * The parts of `plumbline evaluate` added by issue 13, kept apart from the audit flow:
 * `--emit-tests DIR` (the findings' acceptance tests as todo tests, never inside the target) and
 * `--plan plan.json [--phase ID]` (the code held against its design plan; the contract replaces
 * the report as the output). Everything that can fail on input is checked by `prepare`, before
 * the scan and before anything is written.
 */
export interface EvaluateExtras {
  /**
   * Runs after the audit: writes the tests, and with `--plan` writes the contract.
   * @returns the exit code when the contract is the output, or undefined to go on with the report
   */
  finish(report: Report, opts: Record<string, unknown>): Promise<number | undefined>;
}

/**
 * Validates `--emit-tests`, `--plan` and `--phase` for a target.
 * @returns undefined when none of them is given
 * @throws UsageError or ConfigError, one line, before anything runs
 */
export async function prepareEvaluateExtras(target: string, opts: Record<string, unknown>): Promise<EvaluateExtras | undefined> {
  if (opts.phase !== undefined && !opts.plan) throw new UsageError('--phase names a phase of a plan: add --plan plan.json');
  if (!opts.emitTests && !opts.plan) return undefined;
  const emit = opts.emitTests ? await import('../design/emit-tests.js') : undefined;
  const dir = emit ? emit.checkEmitDir(String(opts.emitTests), target) : undefined;
  const contract = opts.plan ? await import('../design/contract.js') : undefined;
  const plan = contract ? contract.readPlanFile(String(opts.plan)) : undefined;
  const format = (opts.format as string | undefined) ?? 'text';
  if (plan && !(contract!.CONTRACT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--plan writes the contract as ${contract!.CONTRACT_FORMATS.join(', ')}; not ${format}`);
  if (plan && opts.phase !== undefined && !plan.phases.some((p) => p.id === opts.phase)) throw new UsageError(`--phase "${String(opts.phase)}" is not a phase of the plan; use one of ${plan.phases.map((p) => p.id).join(', ')}`);
  return {
    async finish(report, o) {
      if (emit && dir) {
        const criteria = emit.criteriaOfReport(report);
        if (!criteria.length) {
          if (!o.quiet) process.stderr.write('plumbline: no findings, so no acceptance tests were written\n');
        } else {
          const files = emit.emitTests(criteria, emit.testLanguageOfReport(report), report.target.name, report.target.name, 'the audit findings');
          const written = emit.writeEmitted(dir, files);
          if (!o.quiet) process.stderr.write(`plumbline: wrote ${criteria.length} acceptance test(s) to ${written.join(', ')}\n`);
        }
      }
      if (!plan) return undefined;
      const c = contract!.holdToPlan(plan, report, o.phase as string | undefined);
      writeOut(contract!.renderContract(c, format as 'text' | 'json' | 'markdown'), o);
      if (c.broken.length) {
        if (!o.quiet) process.stderr.write(`plumbline: gate failed: phase ${c.claimedPhase} does not hold: ${c.broken.length} problem(s)\n`);
        return 1;
      }
      return 0;
    },
  };
}
