import type { HarnessModel, ModelDecl, Site } from './types.js';
import type { Detection } from '../detect/types.js';
import { entryChainTo } from './build.js';

/**
 * The harness map (issue 11, item 5): the harness model as a team reads it. Entry points ->
 * agent loop -> model calls; tool definitions -> tool execution; and the guards, persistence,
 * budget and compaction evidence attached to them, each with file:line. It is part of the JSON
 * report (`harness`), printed by `plumbline map` and drawn by the HTML report.
 */
export interface MapPlace {
  /** What is there: a declaration label or the matched call / name. */
  name: string;
  file: string;
  line: number;
}

export interface HarnessMap {
  /** The agent loop(s), each with the chain from an entry point (empty when none reaches it). */
  loops: Array<MapPlace & { fromEntry: MapPlace[]; hopsToModel: number; hopsToTools: number | null }>;
  modelCalls: MapPlace[];
  toolCallReads: MapPlace[];
  toolExecution: MapPlace[];
  toolDefinitions: { count: number; first: MapPlace[] };
  /** Evidence tied to the loop or the tool path, per primitive (at most 3 each). */
  attached: Array<MapPlace & { primitive: string; relation: string }>;
}

const MAX_SITES = 8;

const place = (d: ModelDecl): MapPlace => ({ name: d.kind === 'module' ? '(top level)' : d.container && d.kind === 'm' ? `${d.container}.${d.name}` : d.name, file: d.file, line: d.kind === 'module' ? 1 : d.start });

/** Sites on the loop's paths first, nearest the primary loop first, then the rest, at most MAX_SITES. */
function pick(model: HarnessModel, sites: Site[], onPath: Set<number> | Map<number, number>): MapPlace[] {
  const near = (s: Site) => model.fromPrimary.get(s.decl) ?? 99;
  const ranked = [...sites].sort((a, b) => Number(onPath.has(b.decl)) - Number(onPath.has(a.decl)) || near(a) - near(b));
  return ranked.slice(0, MAX_SITES).map((s) => ({ name: s.value, file: s.file, line: s.line }));
}

/** Builds the map from the model and the detections (tied evidence only). */
export function harnessMap(model: HarnessModel, detections: Detection[]): HarnessMap {
  return {
    loops: model.loops.map((l) => {
      const d = model.decls[l.decl]!;
      return { ...place(d), fromEntry: entryChainTo(model, l.decl).slice(0, -1).map(place), hopsToModel: l.toModel, hopsToTools: l.toTools };
    }),
    modelCalls: pick(model, model.sites['model-call'], model.modelPath),
    toolCallReads: pick(model, model.sites['tool-call-read'], model.fromLoop),
    toolExecution: pick(model, model.sites['tool-exec'], model.toolPath),
    toolDefinitions: { count: model.sites['tool-def'].length, first: model.sites['tool-def'].slice(0, MAX_SITES).map((s) => ({ name: s.value, file: s.file, line: s.line })) },
    attached: detections.flatMap((d) => {
      const seen = new Set<string>();
      return d.evidence.filter((e) => e.relation && !seen.has(`${e.file}:${e.line}`) && seen.add(`${e.file}:${e.line}`)).slice(0, 3)
        .map((e) => ({ primitive: d.id, relation: e.relation!, name: e.snippet, file: e.file, line: e.line }));
    }),
  };
}

/** The map as text: one section per landmark, `file:line  name` rows. */
export function renderMapText(m: HarnessMap): string {
  const rows = (list: MapPlace[]) => (list.length ? list.map((p) => `  ${p.file}:${p.line}  ${p.name}`) : ['  (none found)']);
  const out: string[] = ['Agent loop'];
  if (!m.loops.length) out.push('  (none found: no declaration calls the model and reaches tool execution)');
  for (const l of m.loops) {
    out.push(`  ${l.file}:${l.line}  ${l.name}  (model call ${l.hopsToModel === 0 ? 'inside' : `${l.hopsToModel} call(s) away`}; tools ${l.hopsToTools === null ? 'none' : l.hopsToTools === 0 ? 'run inside' : `${l.hopsToTools} call(s) away`})`);
    if (l.fromEntry.length) out.push(`    from entry: ${l.fromEntry.map((p) => `${p.name} (${p.file}:${p.line})`).join(' → ')}`);
  }
  out.push('', 'Model calls', ...rows(m.modelCalls), '', 'Tool calls read', ...rows(m.toolCallReads), '', 'Tool execution', ...rows(m.toolExecution));
  out.push('', `Tool definitions (${m.toolDefinitions.count})`, ...rows(m.toolDefinitions.first));
  out.push('', 'Attached to the loop and the tool path');
  if (!m.attached.length) out.push('  (nothing)');
  for (const a of m.attached) out.push(`  ${a.primitive.padEnd(20)} ${a.relation.padEnd(12)} ${a.file}:${a.line}  ${a.name}`);
  return `${out.join('\n')}\n`;
}
