import type { ContextFlag, Criterion, FactKind, Language, Role, Rubric, Signal } from '../rubric/schema.js';
import type { AnalyzedFile } from '../extract/index.js';
import { normalize } from '../extract/prefilter.js';
import type { Context, Detection, Evidence, Shape } from './types.js';
import type { Reachability } from './reachability.js';
import { computeWiredNames, languageFamily } from './wired.js';

/**
 * The generic detection engine (STYLE.md convention 1): rubric signals x facts -> evidence ->
 * criteria -> verdicts. Nothing here names a primitive; all knowledge lives in the rubric.
 *
 * Matching: a fact matches a signal when its kind is listed, the file's role is listed (facts in a
 * test region count as role `test`), the language is allowed, and the normalized value matches
 * `pattern` but not `exclude`. Strength = weight x (reachable ? 1 : weights.unreachable) x
 * (wired ? 1 : weights.unwired). A criterion's strength is the sum, over its distinct signals, of
 * each signal's strongest evidence; it is met at `min`. Verdicts follow the DNF rules.
 */

interface CompiledSignal {
  owner: string; // primitive id or `context`
  criterion: string;
  signal: Signal;
  re: RegExp;
  exclude?: RegExp;
  roles: Set<Role>;
  langs?: Set<Language>;
}

/** Max evidence items kept per signal and per primitive in the report. */
const PER_SIGNAL = 3;
const PER_PRIMITIVE = 12;

function compileAll(rubric: Rubric): CompiledSignal[] {
  const out: CompiledSignal[] = [];
  const add = (owner: string, c: Criterion) => {
    for (const s of c.signals) {
      out.push({
        owner, criterion: c.id, signal: s, re: new RegExp(s.pattern), exclude: s.exclude ? new RegExp(s.exclude) : undefined,
        roles: new Set(s.roles), langs: s.languages ? new Set(s.languages) : undefined,
      });
    }
  };
  for (const c of rubric.context) add('context', c);
  for (const p of rubric.primitives) for (const c of p.criteria) add(p.id, c);
  return out;
}

interface RawHit {
  sig: CompiledSignal;
  file: AnalyzedFile;
  line: number;
  value: string;
  kind: FactKind;
}

/** Runs every signal over every fact; returns raw hits (before weighting). */
function match(signals: CompiledSignal[], files: AnalyzedFile[]): RawHit[] {
  const byKind = new Map<FactKind, { all: RegExp; list: CompiledSignal[] }>();
  for (const s of signals) {
    for (const k of s.signal.kinds) {
      const e = byKind.get(k) ?? { all: /$^/, list: [] };
      e.list.push(s);
      byKind.set(k, e);
    }
  }
  for (const e of byKind.values()) e.all = new RegExp(e.list.map((s) => `(?:${s.signal.pattern})`).join('|'));
  const hits: RawHit[] = [];
  const pathSigs = byKind.get('path');
  for (const file of files) {
    if (pathSigs) {
      const v = normalize(file.path);
      if (pathSigs.all.test(v)) {
        for (const sig of pathSigs.list) if (accepts(sig, file, false) && sig.re.test(v) && !sig.exclude?.test(v)) hits.push({ sig, file, line: 1, value: file.path, kind: 'path' });
      }
    }
    for (const fact of file.facts.facts) {
      const e = byKind.get(fact.k);
      if (!e) continue;
      const v = normalize(fact.v);
      if (!e.all.test(v)) continue;
      for (const sig of e.list) {
        if (accepts(sig, file, fact.t === 1) && sig.re.test(v) && !sig.exclude?.test(v)) hits.push({ sig, file, line: fact.l, value: fact.v, kind: fact.k });
      }
    }
  }
  return hits;
}

function accepts(sig: CompiledSignal, file: AnalyzedFile, inTestRegion: boolean): boolean {
  const role: Role = inTestRegion ? 'test' : file.role;
  if (!sig.roles.has(role)) return false;
  if (sig.langs && !sig.langs.has(file.language)) return false;
  return true;
}

function snippetOf(file: AnalyzedFile, line: number, fallback: string): string {
  if (file.text) {
    let start = 0;
    for (let i = 1; i < line; i++) {
      const n = file.text.indexOf('\n', start);
      if (n < 0) break;
      start = n + 1;
    }
    const end = file.text.indexOf('\n', start);
    const s = file.text.slice(start, end < 0 ? undefined : end).trim();
    if (s) return s.length > 160 ? `${s.slice(0, 157)}...` : s;
  }
  return fallback.length > 160 ? `${fallback.slice(0, 157)}...` : fallback;
}

/** Output of the detect stage. */
export interface DetectResult {
  context: Context;
  detections: Detection[];
}

/**
 * The detect stage.
 * @param files analysed files (facts + text of code files)
 * @param reach reachability from src/detect/reachability.ts
 */
export function detect(rubric: Rubric, files: AnalyzedFile[], reach: Reachability): DetectResult {
  const signals = compileAll(rubric);
  const raw = match(signals, files);
  const declNames = new Map<string, Set<string>>();
  const addName = (name: string, language: string) => (declNames.get(name) ?? declNames.set(name, new Set()).get(name)!).add(languageFamily(language));
  for (const h of raw) {
    if (h.file.role !== 'source') continue;
    if (h.kind === 'decl' || h.kind === 'member') addName(h.value, h.file.language);
    if (h.kind === 'union' && h.value.includes(':')) addName(h.value.slice(0, h.value.indexOf(':')), h.file.language);
  }
  const wired = computeWiredNames(files, declNames, new Set(reach.entries), reach.importers);

  // weight hits into evidence, grouped by owner
  // one evidence item per (owner, criterion, signal, file, line): the strongest fact on that line
  const best = new Map<string, { owner: string; ev: Evidence }>();
  for (const h of raw) {
    const key = `${h.sig.owner}\0${h.sig.criterion}\0${h.sig.signal.id}\0${h.file.path}\0${h.line}`;
    const isSourceRole = h.file.role === 'source';
    const reachable = !isSourceRole || reach.reachable.has(h.file.path);
    const namedUnion = h.kind === 'union' && h.value.includes(':') ? h.value.slice(0, h.value.indexOf(':')) : undefined;
    const isWired = !isSourceRole
      || (h.kind === 'decl' || h.kind === 'member' ? wired(h.file.path, h.value, h.kind) : namedUnion ? wired(h.file.path, namedUnion, 'decl') : true);
    const strength = h.sig.signal.weight * (reachable ? 1 : rubric.weights.unreachable) * (isWired ? 1 : rubric.weights.unwired);
    const ev: Evidence = {
      id: '', criterion: h.sig.criterion, signal: h.sig.signal.id, file: h.file.path, line: h.line,
      snippet: snippetOf(h.file, h.line, h.value), strength: Math.round(strength * 100) / 100, reachable, wired: isWired,
    };
    const prev = best.get(key);
    if (!prev || prev.ev.strength < ev.strength) best.set(key, { owner: h.sig.owner, ev });
  }
  const byOwner = new Map<string, Evidence[]>();
  for (const { owner, ev } of best.values()) {
    const list = byOwner.get(owner) ?? [];
    list.push(ev);
    byOwner.set(owner, list);
  }

  const criteriaStrength = (criteria: Criterion[], evs: Evidence[]) => {
    const out: Record<string, { strength: number; min: number; met: boolean }> = {};
    for (const c of criteria) {
      const best = new Map<string, number>();
      for (const e of evs) if (e.criterion === c.id) best.set(e.signal, Math.max(best.get(e.signal) ?? 0, e.strength));
      const strength = Math.round([...best.values()].reduce((a, b) => a + b, 0) * 100) / 100;
      out[c.id] = { strength, min: c.min, met: strength >= c.min };
    }
    return out;
  };

  // ---- context ----
  const ctxEv = byOwner.get('context') ?? [];
  const ctxCrit = criteriaStrength(rubric.context, ctxEv);
  const flags = rubric.context.filter((c) => ctxCrit[c.id]!.met).map((c) => c.id as ContextFlag);
  // a repository with no application entry point (CLI bin, __main__, fn main, package main) is a library
  if (reach.apps.length === 0 && !flags.includes('library')) flags.push('library');
  const isAgent = flags.includes('llm') || flags.includes('agent-loop');

  // ---- primitives ----
  const detections: Detection[] = rubric.primitives.map((p) => {
    const evs = sortEvidence(byOwner.get(p.id) ?? []);
    const crit = criteriaStrength(p.criteria, evs);
    const met = (conj: string[]) => conj.every((c) => crit[c]?.met);
    let verdict: Detection['verdict'] = 'absent';
    let rule: string[] | undefined;
    if (isAgent) {
      rule = p.verdict.present.find(met);
      if (rule) verdict = 'present';
      else if ((rule = p.verdict.partial.find(met))) verdict = 'partial';
    }
    const kept = trimEvidence(evs).map((e, i) => ({ ...e, id: `${p.id}#${i + 1}` }));
    const confidence = confidenceOf(verdict, rule, crit, isAgent);
    const metList = Object.entries(crit).filter(([, c]) => c.met).map(([id]) => id);
    const rationale = !isAgent
      ? 'Not an agent harness: no LLM call or agent loop was found, so look-alike names do not count.'
      : verdict === 'absent'
        ? metList.length ? `Only ${metList.join(', ')} found; the rubric needs more for partial.` : 'No wired-in evidence for any criterion.'
        : `Met ${rule!.join(' + ')}${metList.length > rule!.length ? ` (also ${metList.filter((m) => !rule!.includes(m)).join(', ')})` : ''}.`;
    return { id: p.id, verdict, confidence, criteria: crit, evidence: isAgent ? kept : [], rationale };
  });

  if (isAgent && detections.find((d) => d.id === 'agent-types' && d.verdict !== 'absent') && !flags.includes('multi-agent')) flags.push('multi-agent');
  flags.sort();
  const context: Context = {
    shape: shapeOf(flags),
    flags,
    evidence: Object.fromEntries(flags.map((f) => [f, trimEvidence(sortEvidence(ctxEv.filter((e) => e.criterion === f))).slice(0, 3).map((e, i) => ({ ...e, id: `context:${f}#${i + 1}` }))])),
    entryPoints: reach.entries,
    summary: '',
  };
  context.summary = summaryOf(context);
  return { context, detections };
}

function sortEvidence(evs: Evidence[]): Evidence[] {
  return [...evs].sort((a, b) => b.strength - a.strength || a.file.localeCompare(b.file) || a.line - b.line || a.signal.localeCompare(b.signal));
}

/** Keeps the strongest PER_SIGNAL items per signal, at most PER_PRIMITIVE overall, round-robin across signals. */
function trimEvidence(sorted: Evidence[]): Evidence[] {
  const bySignal = new Map<string, Evidence[]>();
  for (const e of sorted) {
    const k = `${e.criterion}/${e.signal}`;
    const l = bySignal.get(k) ?? [];
    if (l.length < PER_SIGNAL) l.push(e);
    bySignal.set(k, l);
  }
  const out: Evidence[] = [];
  for (let round = 0; round < PER_SIGNAL && out.length < PER_PRIMITIVE; round++) {
    for (const l of bySignal.values()) if (l[round] && out.length < PER_PRIMITIVE) out.push(l[round]!);
  }
  return sortEvidence(out);
}

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

function shapeOf(flags: ContextFlag[]): Shape {
  const has = (f: ContextFlag) => flags.includes(f);
  if (!has('llm') && !has('agent-loop')) return 'not-an-agent';
  if (has('library')) return 'agent-sdk';
  if (has('coding-tools')) return 'coding-agent';
  if (has('workflow')) return 'workflow-orchestrator';
  return 'chat-assistant';
}

const SHAPE_TEXT: Record<Shape, string> = {
  'coding-agent': 'a coding agent (it gives the model file and shell tools)',
  'chat-assistant': 'a chat assistant (an LLM loop without file or shell tools)',
  'workflow-orchestrator': 'a workflow orchestrator (LLM steps driven by a workflow or schedule)',
  'agent-sdk': 'an agent SDK (a library others build agents with)',
  'not-an-agent': 'not an agent harness: no LLM call or agent loop was found',
};

function summaryOf(c: Context): string {
  const extra = c.flags.filter((f) => ['mutating-tools', 'multi-agent', 'long-running'].includes(f));
  if (c.shape === 'not-an-agent') return 'This does not look like an agent harness: no LLM call or agent loop was found.';
  return `This looks like ${SHAPE_TEXT[c.shape]}${extra.length ? `; flags: ${extra.join(', ')}` : ''}.`;
}
