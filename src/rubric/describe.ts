import type { Primitive, Rubric } from './schema.js';
import { UsageError } from '../util/errors.js';

/**
 * Looks a primitive or an extended check up by id.
 * @throws UsageError naming the known ids when there is no such primitive
 */
export function findPrimitive(rubric: Rubric, id: string): Primitive {
  const all = [...rubric.primitives, ...rubric.extended];
  const p = all.find((x) => x.id === id);
  if (!p) throw new UsageError(`unknown primitive "${id}"; known: ${all.map((x) => x.id).join(', ')}`);
  return p;
}

/**
 * One primitive as plain text: what, why, criteria and signals, verdict and severity rules, fix
 * and acceptance test (`plumbline rubric show <id>`, the MCP tool `explain_primitive`).
 */
export function describePrimitive(p: Primitive): string {
  const lines = [
    `${p.id}: ${p.title} (tier ${p.tier}, phase ${p.phase})`,
    '',
    `What: ${p.what}`,
    `Why it matters: ${p.why}`,
    '',
    'Criteria and signals:',
    ...p.criteria.flatMap((c) => [
      `  ${c.id} (min ${c.min})${c.where ? ` [where: ${c.where.join(' or ')}]` : ''}: ${c.description}`,
      ...c.signals.map((s) => `    - ${s.id} [${s.kinds.join(',')}${s.roles.join(',') !== 'source' ? `; roles ${s.roles.join(',')}` : ''}] ${[s.words ? `words: ${s.words.join(' | ')}` : '', s.pattern ? `/${s.pattern}/` : ''].filter(Boolean).join(' ')}${s.weight !== 1 ? ` x${s.weight}` : ''}`),
    ]),
    '',
    `Verdict: present when ${p.verdict.present.map((c) => c.join(' + ')).join(' or ')}; partial when ${p.verdict.partial.map((c) => c.join(' + ')).join(' or ')}.`,
    `Severity: ${p.severity.base}${p.severity.rules.map((r) => `; ${r.severity} when ${r.when.join(' + ')} (${r.because})`).join('')}`,
    '',
    `Fix: ${p.fix}`,
    `Acceptance test: ${p.acceptance.name}: given ${p.acceptance.given}; then ${p.acceptance.then}.`,
    ...(p.crosswalk ? [`Crosswalk: 12-factor-agents ${p.crosswalk.factors.length ? p.crosswalk.factors.map((n) => `factor ${n}`).join(', ') : '-'}; OWASP agentic ${p.crosswalk.owasp.join(', ') || '-'}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
