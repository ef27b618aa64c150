import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { AnalyzedFile } from '../extract/index.js';
import { normalize } from '../extract/prefilter.js';
import type { FrameworkProfile, Rubric } from '../rubric/schema.js';
import { compileSignal, matchSignals } from '../detect/match.js';
import { escapeRegExp } from '../rubric/words.js';
import type { Reachability } from '../detect/reachability.js';

/** A place in a file: a matched fact. */
export interface FrameworkSite {
  file: string;
  line: number;
  value: string;
}

/**
 * A framework profile that applies to the repository under audit (issue 15): the app imports the
 * framework, hands its loop to it (`run` sites) and configures it. `files` are the app's source
 * files that import the framework: the only files where its landmarks and options are read.
 */
export interface ActiveFramework {
  profile: FrameworkProfile;
  /** The app's files that import the framework, and the files that import those (where its agents are run with options). */
  files: Set<string>;
  /** The app's calls into the framework's agent loop: model call and tool execution in one. */
  run: FrameworkSite[];
  /** Tool definitions made with the framework's helper. */
  toolDefs: FrameworkSite[];
}

/** Package names the repository's own manifests declare (package.json `name`, pyproject `[project].name` / poetry name). */
function declaredPackages(root: string, files: AnalyzedFile[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (base !== 'package.json' && base !== 'pyproject.toml') continue;
    try {
      const text = readFileSync(join(root, f.path), 'utf8');
      if (base === 'package.json') {
        const name = (JSON.parse(text) as { name?: unknown }).name;
        if (typeof name === 'string') out.push(name);
      } else {
        const t = parseToml(text) as { project?: { name?: unknown }; tool?: { poetry?: { name?: unknown } } };
        for (const name of [t.project?.name, t.tool?.poetry?.name]) if (typeof name === 'string') out.push(name);
      }
    } catch {
      // an unreadable or malformed manifest names nothing
    }
  }
  return out;
}

/** A Python import whose top module is a package or module of the repository itself (`agents/` of the app) is not the framework. */
function localPython(spec: string, paths: string[]): boolean {
  const top = spec.split('.')[0]!;
  if (!top) return true;
  const re = new RegExp(`(^|/)${escapeRegExp(top)}(/__init__\\.py|\\.py)$`);
  return paths.some((p) => re.test(p));
}

/**
 * The framework profiles that apply: for each profile of the rubric, the source files (of its
 * languages) that import one of its packages; the profile applies when one of them calls its
 * `run` entry, one matches `requires` (when given), and no manifest of the repository declares a
 * package matching `packages` (the framework's own repository is not an app on it).
 * @param root repository root (manifests are read from it)
 * @param reach import edges: options count in the importing files and in the files that import them
 */
export function activeFrameworks(rubric: Rubric, files: AnalyzedFile[], root: string, reach?: Reachability): ActiveFramework[] {
  if (!rubric.frameworks.length) return [];
  const declared = declaredPackages(root, files).map(normalize);
  const paths = files.map((f) => f.path);
  const out: ActiveFramework[] = [];
  for (const profile of rubric.frameworks) {
    const pkgs = profile.packages.map((p) => new RegExp(p));
    if (declared.some((name) => pkgs.some((re) => re.test(name)))) continue;
    const langs = new Set<string>(profile.languages);
    const importing = files.filter((f) => f.role === 'source' && langs.has(f.language) && [...f.facts.imports, ...f.facts.facts.filter((x) => x.k === 'import').map((x) => x.v)]
      .some((spec) => pkgs.some((re) => re.test(normalize(spec))) && !(f.language === 'python' && localPython(spec, paths))));
    if (!importing.length) continue;
    const sites = (signals: FrameworkProfile['landmarks']['run'] | undefined, id: string): FrameworkSite[] => signals
      ? matchSignals(signals.map((s) => compileSignal(`framework:${profile.id}`, id, s)), importing).filter((h) => !h.testRegion).map((h) => ({ file: h.file.path, line: h.line, value: h.value }))
      : [];
    const run = sites(profile.landmarks.run, 'run');
    if (!run.length) continue;
    if (profile.requires && !sites(profile.requires, 'requires').length) continue;
    const sort = (l: FrameworkSite[]) => l.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    const optionFiles = new Set(importing.map((f) => f.path));
    for (const f of importing) for (const from of reach?.importers.get(f.path) ?? []) optionFiles.add(from);
    out.push({ profile, files: optionFiles, run: sort(run), toolDefs: sort(sites(profile.landmarks['tool-def'], 'tool-def')) });
  }
  return out;
}
