import { loadRubric } from '../rubric/load.js';
import { describePrimitive, findPrimitive } from '../rubric/describe.js';

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
  if (rubric.extended.length) {
    process.stdout.write('Extended checks (scored apart)\n');
    for (const p of rubric.extended) process.stdout.write(`  ${p.id.padEnd(22)} tier ${p.tier}  ${p.title}\n`);
  }
  if (rubric.frameworks.length) process.stdout.write(`Framework profiles: ${rubric.frameworks.map((f) => `${f.id} (${f.title})`).join(', ')}\n`);
  return 0;
}

/** `plumbline rubric show <id>`: the full entry of one primitive. @returns exit code */
export function runRubricShow(id: string, opts: { rubric?: string }): number {
  const { rubric } = loadRubric(opts.rubric);
  process.stdout.write(describePrimitive(findPrimitive(rubric, id)));
  return 0;
}
