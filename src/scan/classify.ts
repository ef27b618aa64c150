import type { Language, Role } from '../rubric/schema.js';

/**
 * File classification by path: language and role. Roles decide where evidence counts
 * (rubric signals list their roles; the default is `source`). Pure functions of the path.
 */

const EXT_LANG: Record<string, Language> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', pyi: 'python',
  rs: 'rust',
  go: 'go',
  md: 'markdown', mdx: 'markdown',
  json: 'config', yaml: 'config', yml: 'config', toml: 'config',
};

/** Language of a repository-relative path, from its extension. */
export function languageOf(path: string): Language {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return 'other';
  return EXT_LANG[path.slice(dot + 1).toLowerCase()] ?? 'other';
}

/** True for languages that have a code front end (facts beyond path and text). */
export function isCode(lang: Language): boolean {
  return lang === 'typescript' || lang === 'javascript' || lang === 'python' || lang === 'rust' || lang === 'go';
}

const TEST_RE = /(^|\/)(tests?|__tests__|spec|specs|e2e|integration-tests|testing|test-utils|test_utils)\/|\.(test|spec|e2e)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|(^|\/)conftest\.py$|(^|\/)benches\//i;
const EXAMPLE_RE = /(^|\/)(examples?|demos?|samples?|playgrounds?|cookbooks?|tutorials?|starters?|templates?)\//i;
const DOCS_RE = /(^|\/)(docs?|documentation|website|site)\/|\.(md|mdx|rst|txt)$/i;
const FIXTURE_RE = /(^|\/)(fixtures?|__fixtures__|testdata|test-data|__mocks__|mocks?|__snapshots__|snapshots)\//i;
const TOOLING_RE = /(^|\/)(scripts?|benchmarks?|bench|tools\/build|\.husky|\.changeset|\.vscode|\.devcontainer)\/|(^|\/)(vitest|vite|jest|eslint|prettier|rollup|webpack|tsup|babel|playwright|knip|turbo)\.config\.[cm]?[jt]s$|(^|\/)(setup|noxfile)\.py$/i;
const CI_RE = /(^|\/)(\.github|\.gitlab|\.circleci|\.buildkite)\//i;

/**
 * Role of a repository-relative path. Order matters: fixtures and examples inside test folders
 * are fixtures/examples; tests inside `src/` are tests.
 */
export function roleOf(path: string): Role {
  if (CI_RE.test(path)) return 'ci';
  if (FIXTURE_RE.test(path)) return 'fixture';
  if (EXAMPLE_RE.test(path)) return 'example';
  if (TEST_RE.test(path)) return 'test';
  if (DOCS_RE.test(path)) return 'docs';
  if (TOOLING_RE.test(path)) return 'tooling';
  const lang = languageOf(path);
  if (lang === 'config') return 'config';
  return 'source';
}

/** Directories never scanned: dependencies, build output, caches, VCS metadata, vendored code. */
export const DEFAULT_EXCLUDED_DIRS = [
  'node_modules', '.git', 'dist', 'build', 'out', 'target', 'coverage', '.next', '.nuxt', '.turbo',
  '.cache', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', 'vendor',
  'third_party', 'third-party', '.yarn', 'bower_components', 'site-packages', '.output', '.svelte-kit',
];

const EXCLUDED_DIR_RE = new RegExp(`(^|/)(${DEFAULT_EXCLUDED_DIRS.map((d) => d.replace(/[.]/g, '\\.')).join('|')})/`);
const EXCLUDED_FILE_RE = /\.min\.[cm]?js$|\.bundle\.[cm]?js$|\.map$|(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|Cargo\.lock|poetry\.lock|uv\.lock|go\.sum|bun\.lockb?)$|\.d\.ts$/;

/** True when a path is excluded by default (dependencies, build output, vendored or minified code, lock files). */
export function isDefaultExcluded(path: string): boolean {
  return EXCLUDED_DIR_RE.test(path) || EXCLUDED_FILE_RE.test(path);
}
