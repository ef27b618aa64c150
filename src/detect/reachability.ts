import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { AnalyzedFile } from '../extract/index.js';

/**
 * Reachability: which source files the harness's entry points can load (issue: "a code path
 * reachable from the agent's entry points beats a module nothing imports").
 *
 * Entry points: package.json `bin`/`main`/`module`/`exports` (dist paths mapped back to src) and
 * conventional `src/index|main|cli`; Python `__main__` guards, `__main__.py` and pyproject
 * scripts; Rust `src/main.rs`, `src/lib.rs`, `src/bin/*`; Go `package main`.
 * Edges: relative and workspace-package imports (TS/JS), module imports (Python), `mod` and
 * crate `use` (Rust), module-local imports (Go). A language with source files but no entry point
 * found is treated as fully reachable (we never punish what we cannot resolve).
 */
export interface Reachability {
  /** Repository-relative paths of entry-point files, sorted. */
  entries: string[];
  /** Files reachable from an entry point (entries included). */
  reachable: Set<string>;
  /** Entry points of applications (CLI bins, `__main__`, `fn main`, `package main`), as opposed to library roots. */
  apps: string[];
  /** file -> files that import it (resolved import edges, reversed). */
  importers: Map<string, Set<string>>;
}

const JS_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const isJs = (p: string) => /\.[cm]?[jt]sx?$/.test(p);

function readJson(root: string, path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
function readToml(root: string, path: string): Record<string, unknown> | undefined {
  try {
    return parseToml(readFileSync(join(root, path), 'utf8'));
  } catch {
    return undefined;
  }
}

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => collectStrings(x, out));
}

/** Computes entry points and the reachable set for the analysed files. */
export function computeReachability(root: string, files: AnalyzedFile[]): Reachability {
  const all = new Set(files.map((f) => f.path));
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = posix.dirname(f.path);
    (byDir.get(d) ?? byDir.set(d, []).get(d)!).push(f.path);
  }
  const entries = new Set<string>();
  const apps = new Set<string>();
  const edges = new Map<string, string[]>();
  const addEdge = (from: string, to: string) => (edges.get(from) ?? edges.set(from, []).get(from)!).push(to);

  // ---------- TypeScript / JavaScript ----------
  // the first file of: the path as written, with each extension, as a folder's index, and (a
  // `.js` specifier of a `.ts` source) with its extension swapped; tried in that order, built one
  // at a time (most imports resolve at the first or second candidate)
  const resolveJs = (base: string): string | undefined => {
    if (all.has(base)) return base;
    for (const e of JS_EXT) if (all.has(base + e)) return base + e;
    for (const e of JS_EXT) if (all.has(`${base}/index${e}`)) return `${base}/index${e}`;
    const noExt = base.replace(/\.[cm]?jsx?$/, '');
    if (noExt !== base) for (const e of JS_EXT) if (all.has(noExt + e)) return noExt + e;
    return undefined;
  };
  /** A manifest target (`dist/cli.js`) resolved to a source file: as written, under src/, or without the build dir. */
  const resolveManifestTarget = (dir: string, target: string): string | undefined => {
    const rel = posix.normalize(posix.join(dir, target)).replace(/\.d\.ts$/, '');
    const build = /(^|\/)(dist|build|lib|out|esm|cjs)\//;
    for (const v of [rel, rel.replace(build, '$1src/'), rel.replace(build, '$1')]) {
      const r = resolveJs(v);
      if (r) return r;
    }
    return undefined;
  };
  const pkgEntries = new Map<string, string[]>(); // package name -> entry files
  const pkgDirs: Array<{ dir: string; name?: string }> = [];
  for (const f of files) {
    if (!f.path.endsWith('package.json') || posix.basename(f.path) !== 'package.json') continue;
    const pj = readJson(root, f.path);
    if (!pj) continue;
    const dir = posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path);
    const targets: string[] = [];
    const binTargets: string[] = [];
    collectStrings(pj.bin, binTargets);
    for (const t of binTargets) {
      const r = resolveManifestTarget(dir, t);
      if (r) apps.add(r);
    }
    targets.push(...binTargets);
    collectStrings(pj.main, targets);
    collectStrings(pj.module, targets);
    collectStrings(pj.exports, targets);
    const found: string[] = [];
    for (const t of targets) {
      const r = resolveManifestTarget(dir, t);
      if (r) found.push(r);
    }
    // npm scripts that start the app (`node dist/agent.js`, `tsx src/cli.ts`) name application entries
    const scripts = (pj.scripts ?? {}) as Record<string, unknown>;
    for (const key of ['start', 'dev', 'cli', 'agent']) {
      const cmd = scripts[key];
      if (typeof cmd !== 'string') continue;
      for (const m of cmd.matchAll(/(?:^|[\s;&|])(?:node|tsx|ts-node|bun|deno run|npx tsx)(?:\s+--?[\w-]+(?:=\S+)?)*\s+([\w./-]+\.[cm]?[jt]sx?)/g)) {
        const r = resolveManifestTarget(dir, m[1]!);
        if (r) {
          found.push(r);
          apps.add(r);
        }
      }
    }
    for (const conv of ['src/index', 'index', 'src/main', 'main', 'src/cli', 'cli', 'src/bin', 'bin/cli', 'src/app']) {
      const r = resolveJs(posix.join(dir, conv));
      if (r) found.push(r);
    }
    for (const b of byDir.get(posix.join(dir, 'bin')) ?? []) if (isJs(b)) found.push(b);
    found.forEach((e) => entries.add(e));
    pkgDirs.push({ dir, name: typeof pj.name === 'string' ? pj.name : undefined });
    if (typeof pj.name === 'string') pkgEntries.set(pj.name, found);
  }
  const pkgNames = [...pkgEntries.keys()].sort((a, b) => b.length - a.length);
  for (const f of files) {
    if (!isJs(f.path)) continue;
    const dir = posix.dirname(f.path);
    for (const spec of f.facts.imports) {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const r = resolveJs(posix.normalize(posix.join(dir, spec)));
        if (r) addEdge(f.path, r);
      } else {
        const name = pkgNames.find((n) => spec === n || spec.startsWith(`${n}/`));
        if (name) {
          for (const e of pkgEntries.get(name) ?? []) addEdge(f.path, e);
          const pd = pkgDirs.find((p) => p.name === name);
          const sub = spec.slice(name.length + 1);
          if (pd && sub) {
            const r = resolveJs(posix.join(pd.dir, 'src', sub)) ?? resolveJs(posix.join(pd.dir, sub));
            if (r) addEdge(f.path, r);
          }
        }
      }
    }
  }

  // ---------- Python ----------
  const pyModules = new Map<string, string[]>();
  for (const f of files) {
    if (!f.path.endsWith('.py')) continue;
    const segs = f.path.replace(/\.py$/, '').split('/');
    if (segs[segs.length - 1] === '__init__') segs.pop();
    for (let i = 0; i < segs.length; i++) {
      const mod = segs.slice(i).join('.');
      if (mod) (pyModules.get(mod) ?? pyModules.set(mod, []).get(mod)!).push(f.path);
    }
    if (f.facts.entry || f.path.endsWith('__main__.py')) {
      entries.add(f.path);
      apps.add(f.path);
    }
  }
  for (const f of files) {
    if (posix.basename(f.path) !== 'pyproject.toml') continue;
    const t = readToml(root, f.path) as { project?: { scripts?: Record<string, string> }; tool?: { poetry?: { scripts?: Record<string, string> } } } | undefined;
    const scripts = { ...(t?.project?.scripts ?? {}), ...(t?.tool?.poetry?.scripts ?? {}) };
    for (const target of Object.values(scripts)) {
      const mod = String(target).split(':')[0]!.trim();
      for (const p of pyModules.get(mod) ?? []) {
        entries.add(p);
        apps.add(p);
      }
    }
  }
  const resolvePy = (from: string, spec: string): string[] => {
    let mod = spec;
    if (spec.startsWith('.')) {
      const dots = /^\.+/.exec(spec)![0].length;
      let base = posix.dirname(from).split('/');
      base = base.slice(0, Math.max(0, base.length - (dots - 1)));
      const rest = spec.slice(dots);
      mod = [...base, ...(rest ? rest.split('.') : [])].filter((s) => s && s !== '.').join('.');
    }
    const parts = mod.split('.');
    const out: string[] = [];
    for (let n = parts.length; n >= 1; n--) {
      const hit = pyModules.get(parts.slice(0, n).join('.'));
      if (hit) {
        out.push(...hit);
        // parent packages' __init__ run on import
        for (let k = n - 1; k >= 1; k--) for (const p of pyModules.get(parts.slice(0, k).join('.')) ?? []) if (p.endsWith('__init__.py')) out.push(p);
        break;
      }
    }
    return out;
  };
  for (const f of files) {
    if (!f.path.endsWith('.py')) continue;
    for (const spec of f.facts.imports) for (const t of resolvePy(f.path, spec)) addEdge(f.path, t);
    // dynamic imports by dotted path ("pkg.agents.interactive.InteractiveAgent" in a mapping)
    for (const fact of f.facts.facts) {
      if (fact.k !== 'string' || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*){2,}$/.test(fact.v)) continue;
      const parts = fact.v.split('.');
      for (let n = parts.length; n >= 2; n--) {
        const hit = pyModules.get(parts.slice(0, n).join('.'));
        if (hit && hit.length === 1) { addEdge(f.path, hit[0]!); break; }
      }
    }
  }

  // ---------- Rust ----------
  const crateLib = new Map<string, string>();
  for (const f of files) {
    if (posix.basename(f.path) !== 'Cargo.toml') continue;
    const dir = posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path);
    const t = readToml(root, f.path) as { package?: { name?: string }; lib?: { path?: string }; bin?: Array<{ path?: string }> } | undefined;
    const lib = t?.lib?.path ? posix.join(dir, t.lib.path) : posix.join(dir, 'src/lib.rs');
    if (all.has(lib)) {
      entries.add(lib);
      if (t?.package?.name) crateLib.set(t.package.name.replace(/-/g, '_'), lib);
    }
    const main = posix.join(dir, 'src/main.rs');
    if (all.has(main)) {
      entries.add(main);
      apps.add(main);
    }
    for (const b of t?.bin ?? []) if (b.path && all.has(posix.join(dir, b.path))) entries.add(posix.join(dir, b.path));
    for (const b of byDir.get(posix.join(dir, 'src/bin')) ?? []) if (b.endsWith('.rs')) entries.add(b);
  }
  for (const f of files) {
    if (!f.path.endsWith('.rs')) continue;
    if (f.facts.entry) {
      entries.add(f.path);
      apps.add(f.path);
    }
    const dir = posix.dirname(f.path);
    const stem = posix.basename(f.path, '.rs');
    const modDir = ['mod', 'lib', 'main'].includes(stem) || dir.endsWith('/src/bin') ? dir : posix.join(dir, stem);
    for (const spec of f.facts.imports) {
      if (spec.startsWith('mod:')) {
        const m = spec.slice(4);
        for (const c of [posix.join(modDir, `${m}.rs`), posix.join(modDir, m, 'mod.rs')]) if (all.has(c)) addEdge(f.path, c);
      } else {
        const lib = crateLib.get(spec.split('::')[0]!);
        if (lib) addEdge(f.path, lib);
      }
    }
  }

  // ---------- Go ----------
  let goModule: { dir: string; path: string } | undefined;
  for (const f of files) {
    if (posix.basename(f.path) !== 'go.mod') continue;
    try {
      const m = /^module\s+(\S+)/m.exec(readFileSync(join(root, f.path), 'utf8'));
      if (m) goModule = { dir: posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path), path: m[1]! };
    } catch { /* unreadable go.mod: no module edges */ }
  }
  for (const f of files) {
    if (!f.path.endsWith('.go')) continue;
    if (f.facts.entry) {
      entries.add(f.path);
      apps.add(f.path);
    }
    for (const spec of f.facts.imports) {
      if (goModule && spec.startsWith(goModule.path)) {
        const d = posix.join(goModule.dir, spec.slice(goModule.path.length).replace(/^\//, '')) || '.';
        for (const t of byDir.get(d) ?? []) if (t.endsWith('.go') && !t.endsWith('_test.go')) addEdge(f.path, t);
      }
    }
    // files of one Go package see each other
    for (const t of byDir.get(posix.dirname(f.path)) ?? []) if (t !== f.path && t.endsWith('.go')) addEdge(f.path, t);
  }

  // ---------- closure ----------
  const reachable = new Set<string>();
  const stack = [...entries].filter((e) => all.has(e));
  while (stack.length) {
    const p = stack.pop()!;
    if (reachable.has(p)) continue;
    reachable.add(p);
    for (const t of edges.get(p) ?? []) if (!reachable.has(t)) stack.push(t);
  }
  // languages with source but no resolved entry point: everything counts as reachable
  const langHasEntry = new Map<string, boolean>();
  for (const f of files) if (f.role === 'source' && entries.has(f.path)) langHasEntry.set(family(f.path), true);
  for (const f of files) {
    const fam = family(f.path);
    if (fam && f.role === 'source' && !langHasEntry.get(fam)) reachable.add(f.path);
  }
  const roleOf = new Map(files.map((f) => [f.path, f.role]));
  const importers = new Map<string, Set<string>>();
  for (const [from, tos] of edges) for (const to of tos) if (to !== from) (importers.get(to) ?? importers.set(to, new Set()).get(to)!).add(from);
  return {
    entries: [...entries].filter((e) => all.has(e)).sort(),
    reachable,
    apps: [...apps].filter((e) => roleOf.get(e) === 'source').sort(),
    importers,
  };
}

function family(p: string): string {
  if (isJs(p)) return 'js';
  if (p.endsWith('.py')) return 'py';
  if (p.endsWith('.rs')) return 'rs';
  if (p.endsWith('.go')) return 'go';
  return '';
}
