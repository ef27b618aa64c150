import { loadRubric } from '../rubric/load.js';
import { UsageError } from '../util/errors.js';

/**
 * `plumbline rubric [list]`: one line per primitive (id, tier, title); `--json` prints the same
 * list as JSON (`{ id, title, primitives: [{ id, tier, title, phase }] }`); the whole rubric is
 * `rubric show <id>` per primitive, or the YAML file itself. @returns exit code
 */
export function runRubricList(opts: { rubric?: string; json?: boolean }): number {
  const { rubric, path } = loadRubric(opts.rubric);
  if (opts.json) {
    const list = { id: rubric.id, title: rubric.title, primitives: rubric.primitives.map((p) => ({ id: p.id, tier: p.tier, title: p.title, phase: p.phase })) };
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${rubric.title} (${rubric.id}, ${path})\n`);
  for (const p of rubric.primitives) process.stdout.write(`  ${p.id.padEnd(22)} tier ${p.tier}  ${p.title}\n`);
  return 0;
}

/** `plumbline rubric show <id>`: the full entry of one primitive. @returns exit code */
export function runRubricShow(id: string, opts: { rubric?: string }): number {
  const { rubric } = loadRubric(opts.rubric);
  const p = rubric.primitives.find((x) => x.id === id);
  if (!p) throw new UsageError(`unknown primitive "${id}"; known: ${rubric.primitives.map((x) => x.id).join(', ')}`);
  const lines = [
    `${p.id}: ${p.title} (tier ${p.tier}, phase ${p.phase})`,
    '',
    `What: ${p.what}`,
    `Why it matters: ${p.why}`,
    '',
    'Criteria and signals:',
    ...p.criteria.flatMap((c) => [
      `  ${c.id} (min ${c.min}): ${c.description}`,
      ...c.signals.map((s) => `    - ${s.id} [${s.kinds.join(',')}${s.roles.join(',') !== 'source' ? `; roles ${s.roles.join(',')}` : ''}] /${s.pattern}/${s.weight !== 1 ? ` x${s.weight}` : ''}`),
    ]),
    '',
    `Verdict: present when ${p.verdict.present.map((c) => c.join(' + ')).join(' or ')}; partial when ${p.verdict.partial.map((c) => c.join(' + ')).join(' or ')}.`,
    `Severity: ${p.severity.base}${p.severity.rules.map((r) => `; ${r.severity} when ${r.when.join(' + ')} (${r.because})`).join('')}`,
    '',
    `Fix: ${p.fix}`,
    `Acceptance test: ${p.acceptance.name}: given ${p.acceptance.given}; then ${p.acceptance.then}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
