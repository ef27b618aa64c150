import type { AnalyzedFile } from '../extract/index.js';
import type { Reachability } from '../detect/reachability.js';
import type { LandmarkId, NameTest, Rubric } from '../rubric/schema.js';
import { compileSignal, matchSignals } from '../detect/match.js';
import { languageFamily } from '../detect/wired.js';
import { phrasesRegex, wordsOf } from '../rubric/words.js';
import type { HarnessModel, LoopInfo, ModelDecl, Site } from './types.js';
import { CallGraphBuilder } from './graph.js';
import type { ActiveFramework } from './frameworks.js';

/**
 * Builds the harness model (issue 11) from the facts of every analysed file:
 * 1. declarations with spans (front ends' `decls`) plus one module node per file;
 * 2. a syntax-level call graph: each `call` fact gets its enclosing declaration as caller; the
 *    callee's last name is resolved in the same file, then in the files it imports (same folder
 *    for Go packages), then anywhere in the language family when at most `MAX_CANDIDATES`
 *    declarations carry the name. Method calls on other objects are resolved by member name
 *    alone: an over-approximation, bounded by that cap (a name declared in many places, such as
 *    `run` or `execute`, resolves to nothing rather than to everything);
 * 3. landmarks from the rubric's `landmarks` signals (model calls, tool-call reads, tool
 *    execution, tool definitions), each placed in its enclosing declaration;
 * 4. the agent loop: declarations that reach a model call and tool execution in the fewest hops;
 * 5. the relation sets the rubric's criteria use (`where`).
 * An app on an agent framework (issue 15, `frameworks`) hands its loop to the framework: each of
 * its `run` calls is a model-call and a tool-exec site at once, so the declaration holding it is
 * the loop, and the framework's tool helper calls are tool definitions.
 * Test code takes no part in the graph. Cost: linear in facts plus a bounded BFS.
 */
const MAX_CANDIDATES = 4;
/** Hops searched from a loop candidate to a landmark, and from the loop outwards. */
const LANDMARK_HOPS = 3;
const FROM_LOOP_HOPS = 6;
const MAX_LOOPS = 6;
/** Extra hops charged when a loop candidate reaches only where tool calls are read. */
const READ_PENALTY = 2;

/** HTTP client calls that carry a model request when the file names a model endpoint. */
const HTTP_CALL = /(?:^|\.)(?:fetch|post|request|urlopen|Do|send|create)$/;

/** Constructor method names: TypeScript/JavaScript, Python, and Rust's conventional `new`. */
const CONSTRUCTOR = /^(?:constructor|__init__|new)$/;

/** The innermost function or method span strictly holding `d` (sorted `list`), if any. */
function enclosingOf(list: ModelDecl[], d: ModelDecl): number | undefined {
  let best: ModelDecl | undefined;
  for (const o of list) {
    if (o.start > d.start) break;
    if (o !== d && o.start <= d.start && o.end >= d.end && (o.start < d.start || o.end > d.end) && (!best || o.start >= best.start)) best = o;
  }
  return best?.id;
}

/** The test of a rubric name test (src/rubric/schema.ts NameTest): phrases on the words, or a regex on the name. */
function nameTest(t: NameTest): (name: string) => boolean {
  if (t.words) {
    const re = phrasesRegex(t.words);
    return (name) => re.test(wordsOf(name));
  }
  const re = new RegExp(t.pattern!);
  return (name) => re.test(name);
}

/** Method names too common to resolve by name alone across a repository. */
const GENERIC_METHODS = new Set([
  'get', 'set', 'has', 'delete', 'add', 'remove', 'clear', 'push', 'pop', 'shift', 'map', 'filter', 'forEach', 'find', 'some', 'every', 'reduce',
  'join', 'split', 'then', 'catch', 'finally', 'on', 'off', 'emit', 'once', 'send', 'write', 'read', 'close', 'open', 'start', 'stop', 'call', 'apply',
  'bind', 'update', 'create', 'init', 'load', 'save', 'next', 'keys', 'values', 'entries', 'items', 'toString', 'json', 'parse', 'stringify', 'resolve',
  'reject', 'log', 'info', 'warn', 'error', 'debug', 'append', 'extend', 'insert', 'copy', 'format', 'replace', 'match', 'test', 'wait', 'lock',
  'unlock', 'put', 'post', 'fetch', 'list', 'count', 'size', 'reset', 'dispose', 'flush', 'String', 'Close', 'Get', 'Set', 'Write', 'Read', 'Error',
  'len', 'unwrap', 'clone', 'into', 'iter', 'collect', 'lines', 'strip', 'lower', 'upper', 'encode', 'decode', 'dump', 'dumps', 'loads',
]);

const SELF = new Set(['this', 'self', 'cls', 'super', 'Self']);

/**
 * Role matching of one model build, memoized per name (the memos die with the build, so a
 * long-lived process such as the MCP server does not grow them across runs):
 * - `roleWords`: the words of a receiver's name that name a role (`permissions` ->
 *   ['permission'], `_agent` -> ['agent'], `toolRunner` -> ['tool', 'runner']), singular; none
 *   when shorter than 3 letters;
 * - `hasRole`: every role word is a word of the class name (`permissionService` has `permission`).
 */
function roleMatcher(): { roleWords: (recv: string) => string[]; hasRole: (container: string, role: string[]) => boolean } {
  const roles = new Map<string, string[]>();
  const classes = new Map<string, string[]>();
  return {
    roleWords(recv) {
      let known = roles.get(recv);
      if (!known) roles.set(recv, (known = roleWordsOf(recv)));
      return known;
    },
    hasRole(container, role) {
      let words = classes.get(container);
      if (!words) classes.set(container, (words = wordsOf(container).split(' ')));
      return role.every((w) => words.includes(w));
    },
  };
}
function roleWordsOf(recv: string): string[] {
  const words = wordsOf(recv).split(' ').filter((w) => /^[a-z]/.test(w)).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
  return words.join('').length >= 3 ? words : [];
}

/** Hops from a shell execution back to the harness code that leads to it (`shell-path`). */
const SHELL_HOPS = 4;

/**
 * Builds the harness model. `frameworks` (src/model/frameworks.ts) take part only when the app
 * has no agent loop of its own: an app that runs tools itself uses a framework's generate call
 * as a plain model call, and its model then lists no framework.
 */
export function buildModel(rubric: Rubric, files: AnalyzedFile[], reach: Reachability, frameworks: ActiveFramework[] = []): HarnessModel {
  const own = build(rubric, files, reach, []);
  // a loop of its own reaches tool execution (or reads tool calls); a lone model call does not
  if (!frameworks.length || own.loops.some((l) => l.toTools !== null)) return own;
  const onFramework = build(rubric, files, reach, frameworks);
  return onFramework.loops.length ? onFramework : own;
}

function build(rubric: Rubric, files: AnalyzedFile[], reach: Reachability, frameworks: ActiveFramework[]): HarnessModel {
  const decls: ModelDecl[] = [];
  const spansByFile = new Map<string, ModelDecl[]>();
  const moduleOf = new Map<string, number>();
  const fileByPath = new Map<string, AnalyzedFile>();
  const byName = new Map<string, number[]>();
  for (const f of files) {
    if (!f.facts.parsed || (f.language !== 'typescript' && f.language !== 'javascript' && f.language !== 'python' && f.language !== 'rust' && f.language !== 'go')) continue;
    fileByPath.set(f.path, f);
    const family = languageFamily(f.language);
    const test = f.role === 'test';
    const mod: ModelDecl = { id: decls.length, file: f.path, name: f.path.slice(f.path.lastIndexOf('/') + 1), kind: 'module', start: 1, end: Number.MAX_SAFE_INTEGER, loop: false, test, family };
    decls.push(mod);
    moduleOf.set(f.path, mod.id);
    const list: ModelDecl[] = [];
    for (const d of f.facts.decls ?? []) {
      const md: ModelDecl = { id: decls.length, file: f.path, name: d.n, kind: d.k, start: d.s, end: d.e, container: d.c, loop: d.loop === 1, test: test || d.t === 1, family };
      decls.push(md);
      if (md.kind !== 'c') list.push(md);
      if (!md.test && md.kind !== 'c') (byName.get(d.n) ?? byName.set(d.n, []).get(d.n)!).push(md.id);
    }
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    spansByFile.set(f.path, list);
  }

  const { enclosing, declaredAt, methodsOf } = spanQueries(spansByFile, moduleOf);

  // ---- call graph ----
  const importsOf = new Map<string, Set<string>>();
  for (const [to, froms] of reach.importers) for (const from of froms) (importsOf.get(from) ?? importsOf.set(from, new Set()).get(from)!).add(to);
  const { roleWords, hasRole } = roleMatcher();
  // `new Task(...)` / `Task(...)`: a class name resolves to its constructor
  const ctorsByClass = new Map<string, number[]>();
  for (const d of decls) if (d.kind === 'm' && d.container && !d.test && CONSTRUCTOR.test(d.name)) (ctorsByClass.get(d.container) ?? ctorsByClass.set(d.container, []).get(d.container)!).push(d.id);
  const constructorsOf = (name: string) => ctorsByClass.get(name);
  // per distinct callee (fact values are interned): its last segment's declarations and its
  // receiver, so a repeated callee is not split and looked up again
  const calleeParts = new Map<string, { all: number[] | undefined; name: string; recv: string }>();
  const partsOf = (callee: string) => {
    let p = calleeParts.get(callee);
    if (!p) {
      // `a.b.c`: name `c`, receiver `b` (the segments `split('.')` would give)
      const dot = callee.lastIndexOf('.');
      const name = dot < 0 ? callee : callee.slice(dot + 1);
      const recv = dot < 0 ? '' : callee.slice(callee.lastIndexOf('.', dot - 1) + 1, dot);
      calleeParts.set(callee, (p = { all: byName.get(name) ?? constructorsOf(name), name, recv }));
    }
    return p;
  };
  const resolve = (file: string, family: string, callee: string, caller: ModelDecl): number[] => {
    const { all, name, recv } = partsOf(callee);
    if (!all) return [];
    const fam = all.filter((id) => decls[id]!.family === family);
    if (!fam.length) return [];
    // a call on another object (`self.agent.step`) is not a call of the caller's own method
    const same = fam.filter((id) => decls[id]!.file === file && !(recv && !SELF.has(recv) && caller.container && decls[id]!.container === caller.container));
    if (recv && SELF.has(recv)) {
      // the caller's own class first; overrides in subclasses elsewhere join it while the name stays rare
      if (fam.length <= MAX_CANDIDATES) return fam;
      const own = same.filter((id) => decls[id]!.container === caller.container);
      if (own.length) return own;
      if (same.length) return same;
    } else if (same.length && (!recv || same.length <= MAX_CANDIDATES)) return same;
    // a generic method name on another object (map.set, list.push, stream.write) is resolved
    // only within the file and the modules it imports, never by name across the repository
    if (recv && !SELF.has(recv) && GENERIC_METHODS.has(name)) return same.length ? same : fam.filter((id) => importsOf.get(file)?.has(decls[id]!.file));
    // duck-typed dispatch on a named role (`self.agent.step`, `this.provider.complete`): the
    // classes whose names hold the receiver's words, the base and its subclasses (Agent,
    // CoderAgent, BrowserAgent; `permissions` -> PermissionService), while at most eight; an
    // over-approximation, like every by-name edge
    const role = roleWords(recv);
    if (role.length && !SELF.has(recv)) {
      const typed = fam.filter((id) => { const c = decls[id]!.container; return c !== undefined && hasRole(c, role); });
      if (typed.length && typed.length <= 2 * MAX_CANDIDATES) return typed;
    }
    const imported = importsOf.get(file);
    const dir = family === 'go' ? dirOf(file) : undefined;
    const near = fam.filter((id) => imported?.has(decls[id]!.file) || (dir !== undefined && dirOf(decls[id]!.file) === dir));
    if (near.length && near.length <= MAX_CANDIDATES) return near;
    return fam.length <= MAX_CANDIDATES ? fam : [];
  };
  const edges = new CallGraphBuilder();
  // a function declared inside another (a closure, an inline callback) runs on its behalf
  for (const list of spansByFile.values()) {
    for (const d of list) {
      if (d.test) continue;
      const outer = enclosingOf(list, d);
      if (outer !== undefined) edges.add(outer, d.id, d.start);
    }
  }
  for (const f of fileByPath.values()) {
    if (f.role !== 'source') continue;
    const family = languageFamily(f.language);
    for (const fact of f.facts.facts) {
      if (fact.k !== 'call' || fact.t) continue;
      const from = enclosing(f.path, fact.l);
      if (from < 0) continue;
      for (const to of resolve(f.path, family, fact.v, decls[from]!)) if (to !== from || decls[to]!.kind !== 'module') edges.add(from, to, fact.l);
    }
  }

  // importing a module runs its top level (and a Go package's init functions)
  for (const [to, froms] of reach.importers) {
    const target = moduleOf.get(to);
    if (target === undefined) continue;
    for (const from of froms) {
      const source = moduleOf.get(from);
      if (source !== undefined && source !== target && !decls[source]!.test) edges.add(source, target, 1);
    }
  }
  for (const d of decls) if (d.family === 'go' && d.kind === 'f' && d.name === 'init' && !d.test) edges.add(moduleOf.get(d.file)!, d.id, d.start);
  const graph = edges.build(decls.length);

  // ---- landmarks ----
  const sites: Record<LandmarkId, Site[]> = { 'model-call': [], 'tool-call-read': [], 'tool-exec': [], 'tool-def': [], 'shell-exec': [] };
  const signals = Object.entries(rubric.landmarks).flatMap(([id, l]) => (l ? l.signals.map((s) => compileSignal('landmark', id, s)) : []));
  const productFiles = files.filter((f) => f.role === 'source' && fileByPath.has(f.path));
  for (const h of matchSignals(signals, productFiles)) {
    if (h.testRegion) continue;
    const decl = (h.kind === 'decl' || h.kind === 'member' ? declaredAt(h.file.path, h.line, h.value) : undefined) ?? enclosing(h.file.path, h.line);
    if (decl < 0) continue;
    sites[h.sig.criterion as LandmarkId].push({ landmark: h.sig.criterion as LandmarkId, file: h.file.path, line: h.line, value: h.value, decl });
  }
  // a model endpoint named at a file's top level (`const API_URL = ".../chat/completions"`):
  // the functions of that file that make HTTP calls are the model-call sites
  const endpointFiles = new Set(sites['model-call'].filter((x) => decls[x.decl]!.kind === 'module').map((x) => x.file));
  if (endpointFiles.size) {
    sites['model-call'] = sites['model-call'].filter((x) => decls[x.decl]!.kind !== 'module');
    for (const file of endpointFiles) {
      for (const fact of fileByPath.get(file)!.facts.facts) {
        if (fact.k !== 'call' || fact.t || !HTTP_CALL.test(fact.v)) continue;
        const decl = enclosing(file, fact.l);
        if (decl >= 0 && decls[decl]!.kind !== 'module') sites['model-call'].push({ landmark: 'model-call', file, line: fact.l, value: fact.v, decl });
      }
    }
  }
  // an app on a framework: its run call is where the model is called and tools execute
  for (const fw of frameworks) {
    for (const r of fw.run) {
      const decl = enclosing(r.file, r.line);
      if (decl < 0) continue;
      sites['model-call'].push({ landmark: 'model-call', file: r.file, line: r.line, value: r.value, decl });
      sites['tool-exec'].push({ landmark: 'tool-exec', file: r.file, line: r.line, value: r.value, decl });
    }
    for (const t of fw.toolDefs) {
      const decl = enclosing(t.file, t.line);
      if (decl >= 0) sites['tool-def'].push({ landmark: 'tool-def', file: t.file, line: t.line, value: t.value, decl });
    }
  }
  for (const list of Object.values(sites)) list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);

  // ---- loops: fewest hops to a model call and to tool execution ----
  const distTo = (targets: Iterable<number>, maxHops: number): Map<number, number> => {
    const dist = new Map<number, number>();
    let frontier: number[] = [];
    for (const t of targets) if (!dist.has(t)) { dist.set(t, 0); frontier.push(t); }
    for (let hop = 1; hop <= maxHops && frontier.length; hop++) {
      const next: number[] = [];
      for (const n of frontier) graph.eachCaller(n, (p) => { if (!dist.has(p)) { dist.set(p, hop); next.push(p); } });
      frontier = next;
    }
    return dist;
  };
  const modelDecls = new Set(sites['model-call'].map((s) => s.decl));
  const execDecls = new Set(sites['tool-exec'].map((s) => s.decl));
  const readDecls = new Set(sites['tool-call-read'].map((s) => s.decl));
  const toModel = distTo(modelDecls, LANDMARK_HOPS);
  // where tools execute is the sign of a loop; reading the model's tool calls counts too (the
  // execution may sit in a framework or behind a bus) but two hops further, since provider
  // adapters also read tool calls to convert them
  const actDecls = new Set([...execDecls, ...readDecls]);
  const toRun = distTo(execDecls, LANDMARK_HOPS);
  const toRead = distTo(readDecls, LANDMARK_HOPS);
  const toExec = new Map<number, number>(toRun);
  for (const [id, d] of toRead) if (!toExec.has(id) || toExec.get(id)! > d + READ_PENALTY) toExec.set(id, d + READ_PENALTY);
  const recursive = (id: number) => graph.calls(id, id);
  /** Declarations reachable from `id` within FROM_LOOP_HOPS (bounded BFS). */
  const reachCount = (id: number): number => {
    const seen = new Set([id]);
    let frontier = [id];
    for (let hop = 0; hop < FROM_LOOP_HOPS && frontier.length && seen.size < 5000; hop++) {
      const next: number[] = [];
      for (const n of frontier) graph.eachCallee(n, (to) => { if (!seen.has(to)) { seen.add(to); next.push(to); } });
      frontier = next;
    }
    return seen.size;
  };
  const candidates: Array<LoopInfo & { score: number }> = [];
  for (const [id, dm] of toModel) {
    const d = decls[id]!;
    if (d.test || d.kind === 'c') continue;
    const dt = toExec.get(id);
    if (dt === undefined && actDecls.size) continue;
    const score = dm + (dt ?? 0) - (d.loop || recursive(id) ? 1 : 0) + (d.kind === 'module' ? 1 : 0);
    candidates.push({ decl: id, toModel: dm, toTools: dt ?? null, score });
  }
  // among equals, the loop with the most machinery around it (what it reaches) is the harness's;
  // counted only for the candidates near the best score
  const minScore = Math.min(...candidates.map((c) => c.score));
  const reachSize = new Map(candidates.filter((c) => c.score <= minScore + 1).map((c) => [c.decl, reachCount(c.decl)]));
  candidates.sort((a, b) => a.score - b.score || (reachSize.get(b.decl) ?? 0) - (reachSize.get(a.decl) ?? 0) || decls[a.decl]!.file.localeCompare(decls[b.decl]!.file) || decls[a.decl]!.start - decls[b.decl]!.start);
  // a file's top level is a loop only when no function qualifies
  const pool = candidates.some((c) => decls[c.decl]!.kind !== 'module') ? candidates.filter((c) => decls[c.decl]!.kind !== 'module') : candidates;
  const best = pool[0]?.score;
  const loops: LoopInfo[] = pool
    .filter((c) => c.score <= best! + 1)
    .slice(0, MAX_LOOPS)
    .map(({ decl, toModel: m, toTools: t }) => ({ decl, toModel: m, toTools: t }));

  // ---- relation sets ----
  const forward = (starts: Iterable<number>, maxHops: number, parent?: Map<number, number>): Map<number, number> => {
    const dist = new Map<number, number>();
    let frontier: number[] = [];
    for (const s of starts) if (!dist.has(s)) { dist.set(s, 0); frontier.push(s); }
    for (let hop = 1; hop <= maxHops && frontier.length; hop++) {
      const next: number[] = [];
      for (const n of frontier) {
        graph.eachCallee(n, (to) => {
          if (dist.has(to)) return;
          dist.set(to, hop);
          parent?.set(to, n);
          next.push(to);
        });
      }
      frontier = next;
    }
    return dist;
  };
  const parent = new Map<number, number>();
  const fromLoop = forward(loops.map((l) => l.decl), FROM_LOOP_HOPS, parent);
  const fromPrimary = loops.length ? forward([loops[0]!.decl], FROM_LOOP_HOPS) : new Map<number, number>();
  const reachModel = distTo(modelDecls, FROM_LOOP_HOPS);
  const reachExec = distTo(actDecls, FROM_LOOP_HOPS);
  const toolPath = new Set([...fromLoop.keys()].filter((id) => reachExec.has(id)));
  const modelPath = new Set([...fromLoop.keys()].filter((id) => reachModel.has(id)));
  const hopLine = new Map<number, number>();
  for (const id of modelPath) {
    const dm = reachModel.get(id)!;
    let line = Infinity;
    if (dm === 0) for (const s of sites['model-call']) if (s.decl === id) line = Math.min(line, s.line);
    graph.eachCallee(id, (to, at) => { if (reachModel.get(to) === dm - 1) line = Math.min(line, at); });
    if (line < Infinity) hopLine.set(id, line);
  }
  const beforeStarts: number[] = [];
  for (const id of modelPath) {
    const hop = hopLine.get(id);
    if (hop !== undefined) graph.eachCallee(id, (to, at) => { if (at < hop) beforeStarts.push(to); });
  }
  const beforeModel = new Set(forward(beforeStarts, 2).keys());
  const defFiles = new Set(sites['tool-def'].map((s) => s.file));
  // tool implementations: what tool execution reaches, the declarations that build tool
  // definitions, and tool-shaped methods (execute, run, call...) in files that define tools
  // (the callees at each execution site, not the declaration that holds it: that is often the loop)
  const impl = rubric.landmarks['tool-def'].implementations;
  const toolMethod = nameTest(impl.methods);
  const toolClass = nameTest(impl.classes);
  const implStarts = new Set<number>(sites['tool-def'].map((s) => s.decl).filter((id) => decls[id]!.kind !== 'module'));
  for (const site of sites['tool-exec']) graph.eachCallee(site.decl, (to, at) => { if (at === site.line) implStarts.add(to); });
  for (const d of decls) {
    if (d.test || d.kind !== 'm') continue;
    // tool-shaped methods beside tool definitions, and every method of a class named as a tool
    if ((defFiles.has(d.file) && toolMethod(d.name)) || (d.container && toolClass(d.container))) implStarts.add(d.id);
  }
  const toolImpl = new Set(forward(implStarts, 4).keys());
  // functions handed to tool definitions as values are not calls: the other declarations of a
  // file that defines tools count as tool code, unless they are the loop or lead to the model
  const loopIds = new Set(loops.map((l) => l.decl));
  for (const d of decls) if (!d.test && d.kind !== 'module' && d.kind !== 'c' && defFiles.has(d.file) && !loopIds.has(d.id) && !modelPath.has(d.id)) toolImpl.add(d.id);
  const entryFiles = new Set(reach.entries);
  const entries = decls.filter((d) => entryFiles.has(d.file) && (d.kind === 'module' || d.name === 'main' || d.name === 'run')).map((d) => d.id);
  const entryParent = new Map<number, number>();
  const fromEntry = new Set(forward(entries, 10, entryParent).keys());

  // shell-path: harness code (reached from the loop, or tool code) that leads to a shell
  // execution within SHELL_HOPS calls, and what that code calls (the checks it runs first)
  const reachShell = distTo(new Set(sites['shell-exec'].map((x) => x.decl)), SHELL_HOPS);
  // a tool table at a file's top level hands its tools over as lambdas: what that top level calls is tool code too
  const tableCallees = new Set<number>();
  for (const file of defFiles) { const mod = moduleOf.get(file); if (mod !== undefined) graph.eachCallee(mod, (to) => tableCallees.add(to)); }
  const shellStarts = [...reachShell.keys()].filter((id) => fromLoop.has(id) || toolImpl.has(id) || tableCallees.has(id));
  const shellPath = new Set(forward(shellStarts, 2).keys());

  const usedFiles = new Set<string>();
  for (const set of [fromLoop.keys(), fromEntry, toolImpl]) for (const id of set) if (!decls[id]!.test && (decls[id]!.kind !== 'module' || fromLoop.has(id))) usedFiles.add(decls[id]!.file);
  const loopModules = new Set<string>();
  for (const l of loops) {
    const f = decls[l.decl]!.file;
    loopModules.add(f);
    for (const t of importsOf.get(f) ?? []) loopModules.add(t);
  }
  // on a framework, the loop is the framework's: the files that define tools with its tool
  // helper hand them to that loop, however many imports away from the run call they sit
  if (loops.length) for (const fw of frameworks) for (const t of fw.toolDefs) if (fileByPath.has(t.file)) loopModules.add(t.file);
  const { testDistance, testsHarness } = testQueries(usedFiles, loopModules, [...fileByPath.keys()].filter((f) => f.endsWith('.go')), importsOf);
  // bound, not an arrow made here: that would keep every local of `build` alive (see spanQueries)
  const callersOf = graph.callersOf.bind(graph);

  return { decls, graph, sites, loops, fromLoop, fromPrimary, toToolsDist: reachExec, toModelDist: reachModel, parent, toolPath, modelPath, hopLine, beforeModel, toolImpl, shellPath, frameworks, fromEntry, entryParent, entries, enclosing, declaredAt, testsHarness, testDistance, loopModules, callersOf, methodsOf };
}

/**
 * The span lookups of a model. They outlive `build`, so they are made here: a closure made in
 * `build` would keep every local of it alive with the model (issue 16: the name index and other
 * build-time tables).
 */
function spanQueries(spansByFile: Map<string, ModelDecl[]>, moduleOf: Map<string, number>): Pick<HarnessModel, 'enclosing' | 'declaredAt' | 'methodsOf'> {
  const enclosing = (file: string, line: number): number => {
    const list = spansByFile.get(file);
    if (!list) return moduleOf.get(file) ?? -1;
    // the innermost span holding the line is the holding span that starts last
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start <= line) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) if (list[i]!.end >= line) return list[i]!.id;
    return moduleOf.get(file)!;
  };
  const declaredAt = (file: string, line: number, name: string): number | undefined => {
    for (const d of spansByFile.get(file) ?? []) if (d.start === line && d.name === name) return d.id;
    return undefined;
  };
  const methodsOf = (file: string, name: string) => (spansByFile.get(file) ?? []).filter((d) => d.kind === 'm' && d.container === name).map((d) => d.id);
  return { enclosing, declaredAt, methodsOf };
}

/**
 * `testDistance` and `testsHarness` of a model (see `HarnessModel`), made outside `build` for the
 * reason given at `spanQueries`. `goFiles`: the model's Go files (a Go test file sees its package).
 */
function testQueries(usedFiles: Set<string>, loopModules: Set<string>, goFiles: string[], importsOf: Map<string, Set<string>>): Pick<HarnessModel, 'testDistance' | 'testsHarness'> {
  const testDistances = new Map<string, number | undefined>();
  const testDistance = (file: string): number | undefined => {
    if (testDistances.has(file)) return testDistances.get(file);
    let best: number | undefined;
    const consider = (f: string, hop: number) => {
      const d = usedFiles.has(f) ? hop + (loopModules.has(f) ? 0 : 10) : undefined;
      if (d !== undefined && (best === undefined || d < best)) best = d;
    };
    consider(file, 0);
    const dir = dirOf(file);
    if (file.endsWith('.go')) for (const f of goFiles) if (f !== file && dirOf(f) === dir) consider(f, 1);
    let frontier = [file];
    const seen = new Set(frontier);
    for (let hop = 1; hop <= 3 && frontier.length; hop++) {
      const next: string[] = [];
      for (const f of frontier) for (const t of importsOf.get(f) ?? []) {
        consider(t, hop);
        if (!seen.has(t)) { seen.add(t); next.push(t); }
      }
      frontier = next;
    }
    testDistances.set(file, best);
    return best;
  };
  return { testDistance, testsHarness: (file) => testDistance(file) !== undefined };
}

/** The folder part of a path, with its trailing slash ('' at the root). */
const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/') + 1);

/**
 * The call chain from a loop to a declaration, as `name (file:line)` steps, using the BFS
 * parents of `fromLoop`; empty when the declaration is not reachable from a loop.
 */
export function chainTo(model: HarnessModel, id: number): ModelDecl[] {
  if (!model.fromLoop.has(id)) return [];
  const out: ModelDecl[] = [];
  for (let cur: number | undefined = id; cur !== undefined && out.length < 12; cur = model.parent.get(cur)) out.unshift(model.decls[cur]!);
  return out;
}

/** The call chain from an entry point to a declaration (empty when no entry reaches it). */
export function entryChainTo(model: HarnessModel, id: number): ModelDecl[] {
  if (!model.fromEntry.has(id)) return [];
  const out: ModelDecl[] = [];
  for (let cur: number | undefined = id; cur !== undefined && out.length < 12; cur = model.entryParent.get(cur)) out.unshift(model.decls[cur]!);
  return out;
}

/** `name (file:line)` for a declaration (module nodes read `file (top level)`). */
export function declLabel(d: ModelDecl): string {
  return d.kind === 'module' ? `${d.file} (top level)` : `${d.container && d.kind === 'm' ? `${d.container}.` : ''}${d.name} (${d.file}:${d.start})`;
}
