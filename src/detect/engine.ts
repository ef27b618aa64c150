import { flat } from '../extract/types.js';
import type { ContextFlag, Criterion, FactKind, Relation, Rubric } from '../rubric/schema.js';
import type { AnalyzedFile } from '../extract/index.js';
import { normalize } from '../extract/prefilter.js';
import type { Context, Detection, Evidence, Shape } from './types.js';
import type { Reachability } from './reachability.js';
import { computeWiredNames, languageFamily, type Mentions } from './wired.js';
import { compileSignal, matchSignals, phraseSpecificity, type CompiledSignal, type RawHit } from './match.js';
import type { HarnessModel } from '../model/types.js';
import { chainTo, declLabel } from '../model/build.js';

/**
 * The generic detection engine (STYLE.md convention 1): rubric signals x facts x harness model
 * -> evidence -> criteria -> verdicts. Nothing here names a primitive; all knowledge lives in
 * the rubric.
 *
 * Matching is in src/detect/match.ts. Strength = weight x (reachable ? 1 : weights.unreachable)
 * x (wired ? 1 : weights.unwired) x (tied ? 1 : weights.untied), where *tied* means the
 * evidence sits where its criterion's `where` relations say (src/model): a call, key or string
 * through its enclosing declaration, a declared name through the declarations that mention it.
 * A criterion's strength is the sum, over its distinct signals, of each signal's strongest
 * evidence; it is met at `min`, and a criterion with `where` also needs one tied item.
 * Verdicts follow the rubric's DNF rules.
 */

/** Max evidence items kept per signal and per primitive in the report. */
const PER_SIGNAL = 3;
const PER_PRIMITIVE = 12;

function compileAll(rubric: Rubric): CompiledSignal[] {
  const out: CompiledSignal[] = [];
  for (const c of rubric.context) for (const s of c.signals) out.push(compileSignal('context', c.id, s));
  for (const p of [...rubric.primitives, ...rubric.extended]) for (const c of p.criteria) for (const s of c.signals) out.push(compileSignal(p.id, c.id, s));
  return out;
}

/**
 * The options of the active framework profiles as signals of the criteria they satisfy, each
 * matched only in the app's files that import that framework; `origin` maps a signal to its
 * framework id. The signal id reads `<framework>:<option>`.
 */
function frameworkHits(model: HarnessModel, files: AnalyzedFile[], origin: Map<CompiledSignal, string>): RawHit[] {
  const out: RawHit[] = [];
  for (const fw of model.frameworks) {
    const sigs: CompiledSignal[] = [];
    for (const o of fw.profile.options) {
      const { satisfies: _s, flags: _f, ...signal } = o;
      for (const flag of o.flags) sigs.push(compileSignal('flag', flag, { ...signal, id: `${fw.profile.id}:${o.id}` }));
      for (const s of o.satisfies) {
        const c = compileSignal(s.primitive, s.criterion, { ...signal, id: `${fw.profile.id}:${o.id}` });
        origin.set(c, fw.profile.id);
        sigs.push(c);
      }
    }
    out.push(...matchSignals(sigs, files.filter((f) => fw.files.has(f.path))));
  }
  return out;
}

/** The lines hits point at, by file: line (1-based) -> text; a line past the end is absent. */
type HitLines = Map<AnalyzedFile, Map<number, string>>;

/** The line numbers hits point at, by file (path hits need no line). */
function wantedLines(raw: RawHit[]): Map<AnalyzedFile, Set<number>> {
  const want = new Map<AnalyzedFile, Set<number>>();
  for (const h of raw) if (h.kind !== 'path') (want.get(h.file) ?? want.set(h.file, new Set()).get(h.file)!).add(h.line);
  return want;
}

/**
 * Lines `lines` (1-based) of a text, in one pass over it (a line past the end is absent; a line
 * number below 1 reads the first line). Each line is a copy (`flat`): a slice would keep the whole
 * file text alive while the detect stage holds the lines of every file with hits (issue 16: on
 * /tmp/trio that held about 45 MB of file texts at the stage's peak).
 */
function linesOf(text: string | undefined, lines: Set<number>): Map<number, string> {
  const got = new Map<number, string>();
  if (text === undefined) return got;
  let line = 1;
  let start = 0;
  for (const target of [...lines].sort((a, b) => a - b)) {
    while (line < target && start >= 0) {
      const n = text.indexOf('\n', start);
      start = n < 0 ? -1 : n + 1;
      line++;
    }
    if (start < 0) break;
    const end = text.indexOf('\n', start);
    got.set(target, flat(text.slice(start, end < 0 ? undefined : end)));
  }
  return got;
}

/**
 * The evidence snippet, checked against the file: the line must hold the matched name (its last
 * path segment, normalized), else the item is dropped (undefined). Tool definitions and paths
 * need only a non-empty line.
 */
function checkedSnippet(h: RawHit, lines: HitLines): string | undefined {
  if (h.kind === 'path') return h.file.path;
  const raw = lines.get(h.file)?.get(h.line)?.trim();
  if (!raw) return undefined;
  if (h.kind !== 'tooldef') {
    const name = h.kind === 'union' && h.value.includes(':') ? h.value.slice(0, h.value.indexOf(':')) : h.kind === 'call' || h.kind === 'switch' ? h.value.split('.').pop()! : h.value;
    const want = normalize(name).slice(0, 24);
    if (want && !normalize(raw).includes(want)) return undefined;
  }
  return raw.length > 160 ? `${raw.slice(0, 157)}...` : raw;
}

/**
 * Evidence lines kept across runs (src/util/cache.ts), by the file's content hash: line number
 * -> its text, or null for a line past the end. A content hash names one text, so a kept line is
 * the line the file would give. Issue 16.
 */
export interface LineStore {
  get(hash: string): Record<number, string | null> | undefined;
  /** Adds lines read from the file with this content hash. */
  put(hash: string, lines: Record<number, string | null>): void;
}

/** Output of the detect stage. */
export interface DetectResult {
  context: Context;
  detections: Detection[];
}

const RELATION_TEXT: Record<Relation, string> = {
  'tool-path': 'on the path from the agent loop to tool execution',
  'model-path': 'on the path from the agent loop to the model call',
  'before-model': 'before the model call in the loop',
  loop: 'reached from the agent loop',
  'tool-impl': 'in a tool implementation',
  entry: 'reached from an entry point',
  'harness-test': 'testing code the harness uses',
  'loop-module': 'in a module of the agent loop',
  'shell-path': 'on the path to shell execution',
};

/**
 * The detect stage.
 * @param files analysed files (facts + text of code files)
 * @param reach reachability from src/detect/reachability.ts
 * @param model the harness model from src/model (landmarks, call graph, relation sets)
 * @param opts.mayName the name test (`nameTest` of src/extract/keep.ts) the files' wired-in
 *   records were made with: the wired-in check then reads no file text but where a record cannot
 *   answer (issue 16); without it every product file is read for the check
 * @param opts.lines the evidence lines of earlier runs by content hash: a file whose wanted lines
 *   are all there is not read for its snippets; lines read are added to it (issue 16)
 */
export function detect(
  rubric: Rubric,
  files: AnalyzedFile[],
  reach: Reachability,
  model: HarnessModel,
  opts: { mayName?: (name: string) => boolean; lines?: LineStore } = {},
): DetectResult {
  const { mayName, lines: store } = opts;
  const signals = compileAll(rubric);
  const fwOrigin = new Map<CompiledSignal, string>();
  const raw = [...matchSignals(signals, files), ...frameworkHits(model, files, fwOrigin)];
  const fwTitle = new Map(model.frameworks.map((f) => [f.profile.id, f.profile.title]));
  const declNames = new Map<string, Set<string>>();
  const addName = (name: string, language: string) => (declNames.get(name) ?? declNames.set(name, new Set()).get(name)!).add(languageFamily(language));
  for (const h of raw) {
    if (h.file.role !== 'source') continue;
    if (h.kind === 'decl' || h.kind === 'member') addName(h.value, h.file.language);
    if (h.kind === 'union' && h.value.includes(':')) addName(h.value.slice(0, h.value.indexOf(':')), h.file.language);
  }
  const mentions: Mentions = new Map();
  // the lines hits point at, taken from the texts the wired-in pass reads (if any); the other
  // files with hits are read once each afterwards (hits come in signal order, not file order)
  const want = wantedLines(raw);
  const lines: HitLines = new Map();
  const known = (f: AnalyzedFile, w: Set<number>): Map<number, string> | undefined => {
    const got = store?.get(f.hash);
    if (!got) return undefined;
    const out = new Map<number, string>();
    for (const l of w) {
      const t = got[l];
      if (t === undefined) return undefined;
      if (t !== null) out.set(l, t);
    }
    return out;
  };
  const read = (f: AnalyzedFile, w: Set<number>, text: string | undefined) => {
    const got = linesOf(text, w);
    lines.set(f, got);
    if (store && text !== undefined) {
      const rec: Record<number, string | null> = {};
      // the lines are copies already (see linesOf)
      for (const l of w) rec[l] = got.get(l) ?? null;
      store.put(f.hash, rec);
    }
  };
  const takeLines = (f: AnalyzedFile, text: string) => {
    const w = want.get(f);
    if (w && !lines.has(f)) read(f, w, text);
  };
  // lines of earlier runs first: a file whose wanted lines are all known is not read
  for (const [f, w] of want) {
    const k = known(f, w);
    if (k) lines.set(f, k);
  }
  const wired = computeWiredNames(files, declNames, new Set(reach.entries), reach.importers, mentions, takeLines, mayName);
  for (const [f, w] of want) if (!lines.has(f)) read(f, w, f.text);
  const hasLoop = model.loops.length > 0;

  const criterionOf = new Map<string, Criterion>();
  const allPrimitives = [...rubric.primitives, ...rubric.extended];
  for (const p of allPrimitives) for (const c of p.criteria) criterionOf.set(`${p.id}\0${c.id}`, c);

  /** Declarations (with the line) that place a hit: its enclosing declaration, or where a declared name is mentioned. */
  const anchorsOf = (h: RawHit): Array<[number, number]> => {
    const named = h.kind === 'decl' || h.kind === 'member' ? h.value : h.kind === 'union' && h.value.includes(':') ? h.value.slice(0, h.value.indexOf(':')) : undefined;
    const out: Array<[number, number]> = [];
    if (named) {
      // a declared name is placed by where it is used, never by its own declaration: a function
      // that is itself the loop is not a spawn, a guard nobody calls guards nothing
      for (const [file, line] of mentions.get(named) ?? []) {
        if (file === h.file.path && line === h.line) continue;
        const d = model.enclosing(file, line);
        if (d >= 0) out.push([d, line]);
      }
      // a class, struct or impl is also placed where its methods are called
      for (const m of model.methodsOf(h.file.path, named)) out.push(...model.callersOf(m));
      return out;
    }
    const d = model.enclosing(h.file.path, h.line);
    return d >= 0 ? [[d, h.line]] : [];
  };
  const holds = (rel: Relation, decl: number, line: number): boolean => {
    switch (rel) {
      case 'tool-path': return model.toolPath.has(decl);
      case 'model-path': return model.modelPath.has(decl);
      case 'before-model': {
        if (model.beforeModel.has(decl)) return true;
        const hop = model.hopLine.get(decl);
        return hop !== undefined && line < hop;
      }
      case 'loop': return model.fromLoop.has(decl);
      case 'tool-impl': return model.toolImpl.has(decl);
      case 'entry': return model.fromEntry.has(decl) || model.fromLoop.has(decl);
      case 'harness-test': return model.testsHarness(model.decls[decl]!.file);
      case 'loop-module': return model.loopModules.has(model.decls[decl]!.file);
      case 'shell-path': return model.shellPath.has(decl);
    }
  };
  /** The first relation of `where` the hit satisfies, with the declaration that ties it. */
  const tieOf = (h: RawHit, where: Relation[]): { relation: Relation; decl: number } | undefined => {
    const anchors = anchorsOf(h);
    for (const rel of where) for (const [d, line] of anchors) if (holds(rel, d, line)) return { relation: rel, decl: d };
    // a declaration in a module of the loop is tied by its own place
    if (where.includes('loop-module') && model.loopModules.has(h.file.path)) return { relation: 'loop-module', decl: model.enclosing(h.file.path, h.line) };
    return undefined;
  };

  // weight hits into evidence, grouped by owner
  // one evidence item per (owner, criterion, signal, file, line): the strongest fact on that line
  const best = new Map<string, { owner: string; ev: Evidence; anchor?: number; kind: FactKind; hit: RawHit }>();
  for (const h of raw) {
    const key = `${h.sig.owner}\0${h.sig.criterion}\0${h.sig.signal.id}\0${h.file.path}\0${h.line}`;
    const isSourceRole = h.file.role === 'source' && !h.testRegion;
    const reachable = !isSourceRole || reach.reachable.has(h.file.path);
    const namedUnion = h.kind === 'union' && h.value.includes(':') ? h.value.slice(0, h.value.indexOf(':')) : undefined;
    const isWired = !isSourceRole
      || (h.kind === 'decl' || h.kind === 'member' ? wired(h.file.path, h.value, h.kind) : namedUnion ? wired(h.file.path, namedUnion, 'decl') : true);
    const where = h.sig.owner === 'context' ? undefined : criterionOf.get(`${h.sig.owner}\0${h.sig.criterion}`)?.where;
    let relation: Relation | 'framework' | null = null;
    let anchor: number | undefined;
    let tied = true;
    const fw = fwOrigin.get(h.sig);
    if (fw) {
      // an option the app passes to its framework acts where the framework runs the loop
      relation = 'framework';
    } else if (where) {
      if (hasLoop) {
        const tie = tieOf(h, where);
        tied = !!tie;
        relation = tie?.relation ?? null;
        anchor = tie?.decl;
      } else tied = reachable && isWired; // no loop to relate to: file reachability stands in
    }
    const strength = h.sig.signal.weight * (reachable ? 1 : rubric.weights.unreachable) * (isWired ? 1 : rubric.weights.unwired) * (tied ? 1 : rubric.weights.untied);
    const prev = best.get(key);
    if (prev && prev.ev.strength >= strength) continue;
    const snippet = checkedSnippet(h, lines);
    if (snippet === undefined) continue;
    const ev: Evidence = {
      id: '', criterion: h.sig.criterion, signal: h.sig.signal.id, file: h.file.path, line: h.line,
      snippet, strength: Math.round(strength * 100) / 100, reachable, wired: isWired, tied, relation,
      ...(fw ? { origin: `framework:${fw}` } : {}),
    };
    best.set(key, { owner: h.sig.owner, ev, anchor, kind: h.kind, hit: h });
  }
  // a line that holds a framework option is that option, not also the app's own mechanism for the same criterion
  const fwLines = new Set<string>();
  for (const { owner, ev } of best.values()) if (ev.origin) fwLines.add(`${owner}\0${ev.criterion}\0${ev.file}\0${ev.line}`);
  for (const [key, { owner, ev }] of best) if (!ev.origin && fwLines.has(`${owner}\0${ev.criterion}\0${ev.file}\0${ev.line}`)) best.delete(key);
  const byOwner = new Map<string, Evidence[]>();
  const anchorOf = new Map<Evidence, number>();
  const kindOf = new Map<Evidence, FactKind>();
  const specOf = new Map<Evidence, number>();
  for (const { owner, ev, anchor, kind, hit } of best.values()) {
    kindOf.set(ev, kind);
    // the phrase specificity only of the items kept (issue 16: not of every hit weighed)
    specOf.set(ev, phraseSpecificity(hit.sig, hit.value));
    const list = byOwner.get(owner) ?? [];
    list.push(ev);
    byOwner.set(owner, list);
    if (anchor !== undefined) anchorOf.set(ev, anchor);
  }

  /** Hops from the primary loop to the declaration that ties an item (far when none). */
  const primaryDist = (e: Evidence) => {
    const a = anchorOf.get(e);
    if (a === undefined) return 99;
    if (e.relation === 'harness-test') return 20 + (model.testDistance(e.file) ?? 30);
    // a gate is read where tools execute, a budget where the model is called, the rest near the loop
    // (on the primary loop's own paths before a secondary loop's)
    const off = model.fromPrimary.has(a) ? 0 : 100;
    if (e.relation === 'tool-path') return off + (model.toToolsDist.get(a) ?? 50);
    if (e.relation === 'model-path' || e.relation === 'before-model') return off + (model.toModelDist.get(a) ?? 50);
    return model.fromPrimary.get(a) ?? 150;
  };

  const criteriaStrength = (criteria: Criterion[], evs: Evidence[]) => {
    const out: Record<string, { strength: number; min: number; met: boolean }> = {};
    for (const c of criteria) {
      const bestBySignal = new Map<string, number>();
      let anyTied = false;
      for (const e of evs) {
        if (e.criterion !== c.id) continue;
        bestBySignal.set(e.signal, Math.max(bestBySignal.get(e.signal) ?? 0, e.strength));
        if (e.tied) anyTied = true;
      }
      const strength = Math.round([...bestBySignal.values()].reduce((a, b) => a + b, 0) * 100) / 100;
      out[c.id] = { strength, min: c.min, met: strength >= c.min && (!c.where || anyTied) };
    }
    return out;
  };

  // ---- context ----
  const ctxEv = byOwner.get('context') ?? [];
  const ctxCrit = criteriaStrength(rubric.context, ctxEv);
  const flags = rubric.context.filter((c) => ctxCrit[c.id]!.met).map((c) => c.id as ContextFlag);
  // a repository with no application entry point (CLI bin, __main__, fn main, package main) is a library
  if (reach.apps.length === 0 && !flags.includes('library')) flags.push('library');
  // framework options that say what the app is (a graph of steps: a workflow)
  for (const h of raw) if (h.sig.owner === 'flag' && !flags.includes(h.sig.criterion as ContextFlag)) flags.push(h.sig.criterion as ContextFlag);
  // an agent harness runs a loop that calls the model and acts on its tool calls; a model call
  // with no loop (a library's one streamText) is not one. Without a model-call landmark, the
  // names of an LLM SDK plus the tool-call protocol stand in.
  const isAgent = hasLoop ? model.sites['tool-exec'].length + model.sites['tool-call-read'].length > 0 || flags.includes('agent-loop') : flags.includes('llm') && flags.includes('agent-loop');
  if (isAgent && !flags.includes('agent-loop')) flags.push('agent-loop');
  if (isAgent && !flags.includes('llm')) flags.push('llm');

  // ---- primitives (core and extended) ----
  const detections: Detection[] = allPrimitives.map((p) => {
    const evs = sortEvidence(byOwner.get(p.id) ?? [], p.criteria, kindOf, primaryDist, specOf);
    const crit = criteriaStrength(p.criteria, evs);
    const met = (conj: string[]) => conj.every((c) => crit[c]?.met);
    let verdict: Detection['verdict'] = 'absent';
    let rule: string[] | undefined;
    if (isAgent) {
      rule = p.verdict.present.find(met);
      if (rule) verdict = 'present';
      else if ((rule = p.verdict.partial.find(met))) verdict = 'partial';
    }
    // the satisfied rule's criteria lead: they are why the verdict holds; other met criteria follow
    const kept = verdict === 'absent' ? [] : trimEvidence([...evs.filter((e) => rule!.includes(e.criterion)), ...evs.filter((e) => !rule!.includes(e.criterion) && crit[e.criterion]?.met)], rule).map((e, i) => ({ ...e, id: `${p.id}#${i + 1}` }));
    const confidence = confidenceOf(verdict, rule, crit, isAgent);
    const descOf = (id: string) => p.criteria.find((c) => c.id === id)!;
    let rationale: string;
    let chain: string | undefined;
    if (!isAgent) rationale = 'Not an agent harness: no agent loop (a model call that leads to tool execution) was found, so look-alike names do not count.';
    else if (verdict !== 'absent') {
      const parts = rule!.map((id) => {
        const c = descOf(id);
        const e = evs.find((x) => x.criterion === id && x.tied) ?? evs.find((x) => x.criterion === id);
        const rel = e?.origin ? `an option the app passes to ${fwTitle.get(e.origin.slice('framework:'.length)) ?? e.origin}` : e?.relation ? RELATION_TEXT[e.relation as Relation] : undefined;
        return `${lower(c.description)}${e ? ` (${e.file}:${e.line}${rel ? `, ${rel}` : ''})` : ''}`;
      });
      const missing = verdict === 'partial' ? closestMissing(p.verdict.present, crit).map((id) => lower(descOf(id).description)) : [];
      rationale = `${verdict === 'present' ? 'Present' : 'Partial'}: ${parts.join('; and ')}.${missing.length ? ` Missing for present: ${missing.join('; ')}.` : ''}`;
      const tiedEv = rule!.map((id) => evs.find((e) => e.criterion === id && anchorOf.has(e))).find(Boolean);
      if (tiedEv) {
        const steps = chainTo(model, anchorOf.get(tiedEv)!).map(declLabel);
        if (steps.length) chain = `loop ${[...steps, `${tiedEv.snippet.length > 60 ? `${tiedEv.snippet.slice(0, 57)}...` : tiedEv.snippet} (${tiedEv.file}:${tiedEv.line})`].join(' → ')}`;
      }
    } else {
      const untied = evs.find((e) => !e.tied);
      const first = p.criteria[0]!;
      rationale = untied
        ? `Absent: ${untied.snippet.length > 60 ? `${untied.snippet.slice(0, 57)}...` : untied.snippet} (${untied.file}:${untied.line}) looks related but is not ${(descOf(untied.criterion).where ?? []).map((r) => RELATION_TEXT[r]).join(' or ')}, so it does not count.`
        : `Absent: no evidence that ${lower(first.description)}`;
      if (!rationale.endsWith('.')) rationale += '.';
    }
    const fixAt = verdict !== 'present' && isAgent && p.fixAt ? fixLocation(model, p.fixAt) : undefined;
    const origin = verdict !== 'absent' && model.frameworks.length ? originOf(kept.filter((e) => rule!.includes(e.criterion))) : undefined;
    return { id: p.id, verdict, confidence, criteria: crit, evidence: isAgent ? kept : [], rationale, ...(chain ? { chain } : {}), ...(fixAt ? { fixAt } : {}), ...(origin ? { origin } : {}) };
  });

  if (isAgent && detections.find((d) => d.id === 'agent-types' && d.verdict !== 'absent') && !flags.includes('multi-agent')) flags.push('multi-agent');
  flags.sort();
  const context: Context = {
    shape: shapeOf(flags, isAgent, model.frameworks.length > 0),
    flags,
    evidence: Object.fromEntries(flags.map((f) => [f, trimEvidence(sortEvidence(ctxEv.filter((e) => e.criterion === f))).slice(0, 3).map((e, i) => ({ ...e, id: `context:${f}#${i + 1}` }))])),
    entryPoints: reach.entries,
    summary: '',
  };
  context.summary = summaryOf(context);
  return { context, detections };
}

const lower = (s: string) => (s ? s.charAt(0).toLowerCase() + s.slice(1) : s).replace(/\.$/, '');

/** The criteria still unmet in the present rule that is closest to met. */
function closestMissing(present: string[][], crit: Detection['criteria']): string[] {
  let bestMissing: string[] = [];
  for (const conj of present) {
    const missing = conj.filter((c) => !crit[c]?.met);
    if (!bestMissing.length || missing.length < bestMissing.length) bestMissing = missing;
  }
  return bestMissing;
}

const FIX_TEXT = { loop: 'in the agent loop', 'model-call': 'before the model call', 'tool-exec': 'where tools execute', 'tool-def': 'where tools are defined', entry: 'at the entry point' } as const;

/** Where the fix belongs ("where tools execute: src/scheduler.ts:140"), from the model's landmarks. */
function fixLocation(model: HarnessModel, at: keyof typeof FIX_TEXT): string | undefined {
  const onLoop = (s: { decl: number }) => model.fromLoop.has(s.decl);
  let where: { file: string; line: number } | undefined;
  if (at === 'loop') {
    const d = model.loops[0] && model.decls[model.loops[0].decl];
    if (d) where = { file: d.file, line: d.start };
  } else if (at === 'model-call') where = model.sites['model-call'].find(onLoop) ?? model.sites['model-call'][0];
  else if (at === 'tool-exec') where = model.sites['tool-exec'].find(onLoop) ?? model.sites['tool-exec'][0] ?? model.sites['tool-call-read'].find(onLoop);
  else if (at === 'tool-def') where = model.sites['tool-def'][0];
  else {
    const d = model.entries[0] !== undefined ? model.decls[model.entries[0]] : undefined;
    if (d) where = { file: d.file, line: d.kind === 'module' ? 1 : d.start };
  }
  return where ? `${FIX_TEXT[at]}: ${where.file}:${where.line}` : undefined;
}

/** Fact kinds that show a mechanism at work (a call, a switch) rather than a declaration of it. */
const USE_KINDS = new Set<string>(['call', 'switch']);

/**
 * Evidence in the order a reviewer reads it: tied items first (the mechanism where it acts),
 * then by the relation's rank in its criterion's `where` (the gate on the tool path before a
 * type in a tool module), then calls and switches (the mechanism at work) before declarations,
 * then strength (a full-weight signal before a half-weight one), then by distance (to tool
 * execution for tool-path items, to the model call for model-path ones, else from the primary
 * loop), then by criterion, then by how specific the phrase match is, then place.
 * `trimEvidence` then leads with one item per criterion of the satisfied rule.
 */
function sortEvidence(evs: Evidence[], criteria: Criterion[] = [], kindOf: Map<Evidence, FactKind> = new Map(), distOf: (e: Evidence) => number = () => 0, specOf: Map<Evidence, number> = new Map()): Evidence[] {
  const spec = (e: Evidence) => specOf.get(e) ?? 1;
  const rank = (e: Evidence) => {
    const c = criteria.find((x) => x.id === e.criterion);
    const r = c?.where && e.relation ? c.where.indexOf(e.relation as Relation) : 9;
    return r < 0 ? 9 : r;
  };
  const isCall = (e: Evidence) => (USE_KINDS.has(kindOf.get(e) ?? '') ? 0 : 1);
  const order = (e: Evidence) => criteria.findIndex((c) => c.id === e.criterion);
  // each item's keys computed once, not at every comparison (issue 16)
  const keys = new Map<Evidence, [number, number, number, number, number]>();
  for (const e of evs) keys.set(e, [rank(e), isCall(e), distOf(e), order(e), spec(e)]);
  return [...evs].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return Number(b.tied) - Number(a.tied) || ka[0] - kb[0] || ka[1] - kb[1] || b.strength - a.strength || ka[2] - kb[2] || ka[3] - kb[3] || kb[4] - ka[4] || a.file.localeCompare(b.file) || a.line - b.line || a.signal.localeCompare(b.signal);
  });
}

/** Keeps the strongest PER_SIGNAL items per signal, at most PER_PRIMITIVE overall, round-robin across signals. */
function trimEvidence(sorted: Evidence[], rule: string[] = []): Evidence[] {
  // per signal, the best PER_SIGNAL items, from different files where the signal has them
  const all = new Map<string, Evidence[]>();
  for (const e of sorted) {
    const k = `${e.criterion}/${e.signal}`;
    (all.get(k) ?? all.set(k, []).get(k)!).push(e);
  }
  const bySignal = new Map<string, Evidence[]>();
  for (const [k, list] of all) {
    const picked: Evidence[] = [];
    const files = new Set<string>();
    for (const e of list) if (picked.length < PER_SIGNAL && !files.has(e.file)) { picked.push(e); files.add(e.file); }
    for (const e of list) if (picked.length < PER_SIGNAL && !picked.includes(e)) picked.push(e);
    bySignal.set(k, picked.sort((a, b) => list.indexOf(a) - list.indexOf(b)));
  }
  const out: Evidence[] = [];
  for (let round = 0; round < PER_SIGNAL && out.length < PER_PRIMITIVE; round++) {
    for (const l of bySignal.values()) if (l[round] && out.length < PER_PRIMITIVE) out.push(l[round]!);
  }
  // keep the reading order of the input, but let the first items show different files: the
  // call in the loop, then the mechanism's own module, rather than five lines of one file
  const keep = new Set(out);
  const ordered = sorted.filter((e) => keep.has(e));
  const lead: Evidence[] = [];
  const files = new Set<string>();
  // first the best item of each criterion of the satisfied rule (why the verdict holds), then
  // the next items from files not shown yet
  for (const c of rule) {
    const e = ordered.find((x) => x.criterion === c && x.tied && !files.has(x.file));
    if (e && lead.length < DISTINCT_LEAD) { lead.push(e); files.add(e.file); }
  }
  for (const e of ordered) if (lead.length < DISTINCT_LEAD && e.tied && !files.has(e.file)) { lead.push(e); files.add(e.file); }
  const rest = ordered.filter((e) => !lead.includes(e));
  return [...lead, ...rest];
}


/** How many leading evidence items prefer distinct files. */
const DISTINCT_LEAD = 5;

function confidenceOf(
  verdict: Detection['verdict'],
  rule: string[] | undefined,
  crit: Detection['criteria'],
  isAgent: boolean,
): Detection['confidence'] {
  if (!isAgent) return 'high';
  const ratios = Object.values(crit).map((c) => c.strength / c.min);
  if (verdict === 'absent') {
    const near = Math.max(0, ...ratios);
    return near === 0 ? 'high' : near < 0.5 ? 'medium' : 'low';
  }
  // present/partial: how far the weakest criterion of the satisfied rule is above its threshold
  const r = Math.min(...rule!.map((c) => crit[c]!.strength / crit[c]!.min));
  return r >= 2 ? 'high' : 'medium';
}

/**
 * Where a primitive's evidence comes from: `app` (the app's own code), `framework:<id>` (only
 * options the app passes to a framework) or `app+framework:<id>` (both).
 */
function originOf(evs: Evidence[]): string {
  const fws = [...new Set(evs.filter((e) => e.origin).map((e) => e.origin!))].sort();
  const app = evs.some((e) => !e.origin);
  if (!fws.length) return 'app';
  return app ? `app+${fws.join('+')}` : fws.join('+');
}

/**
 * The product shape. An app that hands its loop to an agent framework is an application (chat
 * assistant, coding agent, workflow orchestrator) even with no entry point of its own (a web
 * route): importing an agent SDK never makes it one.
 */
function shapeOf(flags: ContextFlag[], isAgent: boolean, onFramework: boolean): Shape {
  const has = (f: ContextFlag) => flags.includes(f);
  if (!isAgent) return 'not-an-agent';
  if (has('library') && !onFramework) return 'agent-sdk';
  if (has('coding-tools')) return 'coding-agent';
  if (has('workflow')) return 'workflow-orchestrator';
  return 'chat-assistant';
}

const SHAPE_TEXT: Record<Shape, string> = {
  'coding-agent': 'a coding agent (it gives the model file and shell tools)',
  'chat-assistant': 'a chat assistant (an LLM loop without file or shell tools)',
  'workflow-orchestrator': 'a workflow orchestrator (LLM steps driven by a workflow or schedule)',
  'agent-sdk': 'an agent SDK (a library others build agents with)',
  'not-an-agent': 'not an agent harness: no agent loop (a model call that leads to tool execution) was found',
};

function summaryOf(c: Context): string {
  const extra = c.flags.filter((f) => ['mutating-tools', 'multi-agent', 'long-running'].includes(f));
  if (c.shape === 'not-an-agent') return 'This does not look like an agent harness: no agent loop (a model call that leads to tool execution) was found.';
  return `This looks like ${SHAPE_TEXT[c.shape]}${extra.length ? `; flags: ${extra.join(', ')}` : ''}.`;
}
