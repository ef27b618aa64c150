import { Command, CommanderError, Option } from 'commander';
import { PlumblineError, errorText } from '../util/errors.js';
import { VERSION } from '../version.js';

/**
 * The CLI: a thin commander layer over the library (STYLE.md convention 5). Each command maps
 * argv to options, calls the core, and returns an exit code: 0 clean, 1 gate failed,
 * 2 usage/config/target error, 3 internal failure. Heavy modules load inside the command.
 * Known errors print one line (`plumbline: ...`), never a stack trace.
 * @param argv process.argv
 * @returns the exit code
 */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('plumbline')
    .description('Audit how production-ready an AI-agent harness is, against 12 harness primitives.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run plumbline --help for usage)');

  apiOptions(program
    .command('evaluate'), 'the judge')
    .description('scan a repository and report a verdict per primitive with file:line evidence')
    .argument('<path>', 'repository to audit (use . for the current directory)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'markdown', 'sarif', 'html']).default('text'))
    .option('--config <file>', 'config file (default: plumbline.config.{json,yaml}, .plumblinerc*, or package.json#plumbline in the target)')
    .option('--no-config', 'ignore config files')
    .option('--baseline <file>', 'only gaps that are not in this baseline fail the gate')
    .option('--write-baseline <file>', 'write the current gaps as a baseline')
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--rubric <file>', 'rubric YAML to use instead of the bundled rubrics/core.yaml')
    .option('--trust-config', 'allow the config file found in the target to choose the rubric')
    .option('--link-base <url>', 'html: prefix of evidence links (default: the audited folder, relative to the report file)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or worse').choices(['critical', 'high', 'medium', 'low']))
    .option('--min-score <n>', 'exit 1 when the score is below n (0-100)')
    .option('--max-file-size <bytes>', 'skip files larger than this (default 1048576)')
    .option('--exclude <glob>', 'extra path to leave out (a glob; repeat the flag for more)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-cache', 'do not read or write the analysis cache (facts, last report) in the user cache directory; the compiler\'s code cache stays (NODE_DISABLE_COMPILE_CACHE=1 turns it off)')
    .option('--jobs <n>', 'worker threads that read and parse files (1: none; default: none below 4 CPUs, else CPUs - 1, at most 4; under 4 MB of code: none)')
    .option('--timings', 'print per-stage times to stderr')
    .option('-q, --quiet', 'print nothing but the report')
    .option('--watch', 'audit again each time a scanned file changes (facts kept in memory; one line per run on stderr); Ctrl-C stops')
    .addOption(new Option('--judge <judge>', 'advisory review of the evidence: none, anthropic (Messages API), host (worksheet for Claude Code/Codex)').choices(['none', 'anthropic', 'host']).default('none'))
    .addOption(new Option('--judge-mode <mode>', 'advisory keeps the static verdicts; adjust lets the judge move one by one level with cited evidence').choices(['advisory', 'adjust']).default('advisory'))
    .option('--max-input-tokens <n>', 'judge budget: input tokens for the run (default 200000)')
    .option('--max-output-tokens <n>', 'judge budget: output tokens for the run (default 24000)')
    .option('--judge-timeout <ms>', 'per-attempt timeout of a judge call (default 60000)')
    .option('--judge-deadline <seconds>', 'overall time limit of the judge; the static report is written when it passes (default 120)')
    .option('--worksheet <file>', '--judge host: where to write the worksheet (a .md view is written beside it)')
    .option('--judge-results <file>', 'merge a filled host worksheet (implies --judge host)')
    .option('--emit-tests <dir>', 'write the acceptance tests of the findings as todo tests (vitest or pytest, by the repository language) into dir, outside the repository')
    .option('--plan <plan.json>', 'hold the code against a design plan (plumbline design -f json): planned primitives built or not, built but unplanned, phase reached')
    .option('--phase <id>', 'with --plan: the phase the code claims to have reached; exit 1 when it does not hold')
    .action(async (path: string, opts: Record<string, unknown>, cmd: Command) => {
      const { runEvaluate } = await import('./evaluate.js');
      code = await runEvaluate(path, opts, (k) => cmd.getOptionValueSource(k));
    });

  program
    .command('map')
    .description('show the harness model: entry points, the agent loop, model calls, tool execution and what is attached to them')
    .argument('<path>', 'repository to map (use . for the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the map to a file (atomically) instead of stdout')
    .option('--exclude <glob>', 'extra path to leave out (a glob; repeat the flag for more)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-cache', 'do not read or write the analysis cache (facts, last report) in the user cache directory; the compiler\'s code cache stays (NODE_DISABLE_COMPILE_CACHE=1 turns it off)')
    .option('--jobs <n>', 'worker threads that read and parse files (1: none; default: none below 4 CPUs, else CPUs - 1, at most 4; under 4 MB of code: none)')
    .action(async (path: string, opts: Record<string, unknown>) => {
      const { runMap } = await import('./map.js');
      code = await runMap(path, opts);
    });

  const rubric = program.command('rubric').description('list the rubric, or show one primitive');
  rubric
    .command('list', { isDefault: true })
    .description('list the primitives of the rubric')
    .option('--rubric <file>', 'rubric YAML to use')
    .option('--json', 'print the list of primitives as JSON')
    .action(async (opts: { rubric?: string; json?: boolean }) => {
      const { runRubricList } = await import('./rubric.js');
      code = runRubricList(opts);
    });
  rubric
    .command('show')
    .description('print one primitive: what, why, signals, severity, fix and acceptance test')
    .argument('<id>', 'primitive id, e.g. permissions')
    .option('--rubric <file>', 'rubric YAML to use')
    .action(async (id: string, opts: { rubric?: string }) => {
      const { runRubricShow } = await import('./rubric.js');
      code = runRubricShow(id, opts);
    });

  apiOptions(program
    .command('design'), '--brief-text')
    .description('plan a lean, phased harness from a product brief, or an upgrade from an audit report')
    .option('--brief <file>', 'brief as YAML or JSON (fields: plumbline schema brief)')
    .option('--from-audit <report.json>', 'plan the upgrade of an existing harness from its JSON report')
    .addOption(new Option('-f, --format <format>', 'plan format').choices(['markdown', 'json']).default('markdown'))
    .option('-o, --output <file>', 'write the plan to a file (atomically)')
    .option('--name <name>', 'brief: product name')
    .addOption(new Option('--shape <shape>', 'brief: product shape').choices(['code-agent', 'chat-assistant', 'workflow-orchestrator', 'internal-copilot', 'embedded-feature', 'hybrid']))
    .option('--action <action...>', 'brief: an action, its effect (read|mutate|destroy|pay|send|deploy) and an optional auto-approve threshold, e.g. "refund an order:pay:200 USD"')
    .option('--unattended', 'brief: nobody watches a run (gated actions are denied and queued)')
    .option('--schedule <when>', 'brief: when unattended runs start, e.g. "nightly 02:00"')
    .option('--regime <regime...>', 'brief: regulatory regimes the product is under, e.g. GDPR PCI-DSS')
    .addOption(new Option('--users <users>', 'brief: who uses it').choices(['solo-developer', 'team', 'enterprise', 'public']))
    .addOption(new Option('--runs <mode...>', 'brief: how it runs').choices(['interactive', 'headless', 'scheduled', 'long-running']))
    .addOption(new Option('--stack <stack>', 'brief: implementation stack').choices(['typescript', 'python', 'go', 'rust', 'other']))
    .option('--multi-agent', 'brief: the product asks for several agents')
    .option('--multi-agent-reason <text>', 'brief: why one agent is not enough')
    .option('--solo', 'brief: maintained by one person')
    .option('--compliance <regime...>', 'brief: compliance regimes, e.g. PCI-DSS SOC2')
    .option('--cost-ceiling <usd>', 'brief: cost ceiling per run in USD')
    .option('--ask <feature...>', 'brief: features asked for (the plan accepts or declines each)')
    .option('--no-input', 'never ask questions, even on a TTY')
    .option('--print-brief', 'print the completed brief as YAML instead of the plan')
    .option('--emit-tests <dir>', "write the plan's acceptance criteria as todo tests (vitest for typescript, pytest for python) into dir")
    .option('--first-harness', 'with --from-audit of a repository that is not an agent harness: plan a first, lean harness')
    .option('--brief-text <text>', 'free-text brief, structured by --judge anthropic and shown for confirmation')
    .addOption(new Option('--judge <judge>', 'with --brief-text: anthropic').choices(['none', 'anthropic']).default('none'))
    .option('--yes', 'accept the structured brief without asking')
    .option('--no-cache', 'do not use the cache')
    .option('--rubric <file>', 'rubric YAML to plan against')
    .option('-q, --quiet', 'print nothing but the plan')
    .action(async (opts: Record<string, unknown>) => {
      const { runDesign } = await import('./design.js');
      code = await runDesign(opts);
    });

  const skill = program.command('skill').description('install or validate the Claude Code / Codex skill bundle');
  skill
    .command('install')
    .description('copy the skill into ~/.claude/skills, .claude/skills, ~/.agents/skills or .agents/skills')
    .addOption(new Option('--agent <agent>', 'host agent').choices(['claude', 'codex']).makeOptionMandatory())
    .addOption(new Option('--scope <scope>', 'user (home directory) or project (current directory)').choices(['user', 'project']).default('user'))
    .option('--project-dir <dir>', 'project root for --scope project (default: current directory)')
    .option('--force', 'replace an existing installation')
    .action(async (opts: { agent: 'claude' | 'codex'; scope: 'user' | 'project'; projectDir?: string; force?: boolean }) => {
      const { runSkillInstall } = await import('./skill.js');
      code = runSkillInstall(opts);
    });
  skill
    .command('validate')
    .description('check a skill folder against the Agent Skills rules (default: the bundled skill)')
    .argument('[dir]', 'skill folder')
    .action(async (dir: string | undefined) => {
      const { runSkillValidate } = await import('./skill.js');
      code = runSkillValidate(dir);
    });

  program
    .command('mcp')
    .description('serve the tools (evaluate, explain_primitive, design, judge_worksheet, merge_judge_results) and the rubric over MCP on stdio')
    .option('--root <dir>', 'a directory the tools may read, repeatable (default: the current directory); other paths are refused', (v: string, acc: string[] = []) => [...acc, v])
    .option('--rubric <file>', 'rubric YAML to serve and audit with (default: the bundled rubrics/core.yaml)')
    .option('--no-cache', 'do not read or write the analysis cache (facts, last report) in the user cache directory; the compiler\'s code cache stays (NODE_DISABLE_COMPILE_CACHE=1 turns it off)')
    .option('--jobs <n>', 'worker threads that read and parse files per audit (1: none; default: the target config\'s jobs, else automatic)')
    .addHelpText('after', '\nRead-only: nothing is written inside an audited path and no code from it runs.\nAdd it to a client by its stdio command, e.g. claude mcp add plumbline -- npx plumbline mcp --root ~/src')
    .action(async (opts: { root?: string[]; rubric?: string; cache?: boolean; jobs?: string }) => {
      const { runMcp } = await import('./mcp.js');
      code = await runMcp(opts);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the report or the rubric')
    .argument('[which]', 'report | rubric | brief | plan | worksheet | config | baseline', 'report')
    .action(async (which: string) => {
      const { runSchema } = await import('./schema.js');
      code = runSchema(which);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    return exitCodeFor(err);
  }
}

/** Maps an error to an exit code after printing it as one line. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2; // commander already printed the message
  }
  process.stderr.write(`${errorText(err)}\n`);
  if (err instanceof PlumblineError) return err.exitCode;
  if (process.env.PLUMBLINE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 3;
}

/**
 * The Messages API options shared by `evaluate --judge anthropic` and `design --brief-text`
 * (model, gateway, cost cap, prices, dry run, audit log). @returns the command, for chaining
 */
function apiOptions(cmd: Command, user: string): Command {
  return cmd
    .option('--model <id>', `model for ${user} (default claude-sonnet-5-5)`)
    .option('--base-url <url>', 'Messages API base URL (proxy or gateway)')
    .option('--max-cost <usd>', `budget for ${user}: USD for the run (default 1.00)`)
    .option('--price-table <file>', 'JSON prices in USD/MTok merged over the built-in table')
    .option('--dry-run', `print what ${user} would send, with projected tokens and cost; send nothing`)
    .option('--audit-log <file>', 'JSONL log of every request (default <cache>/audit/judge.jsonl)')
    .option('--no-audit-log', 'do not write the audit log');
}
