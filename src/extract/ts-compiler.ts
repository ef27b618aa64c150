import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type { ts } from 'ts-morph';
import { readAsciiFast, sha256, touch, writeFileAtomic } from '../util/fs.js';
import { pruneCodeCaches } from '../util/cache.js';

/**
 * Loads the TypeScript compiler bundled by ts-morph (`@ts-morph/common/dist/typescript.js`)
 * straight from its file: no ts-morph project layer, no ESM-to-CommonJS export scan.
 *
 * With a code-cache folder (`<user cache>/v8`, also with `--no-cache`; see AnalysisCache.codeDir), V8's compiled code for the
 * 9 MB compiler is kept there (`vm.Script` cached data, keyed by the compiler file, Node's
 * version, architecture and flags): a re-run that parses one changed file loads the compiler in about
 * 0.1 s instead of 0.35 s. A rejected or unreadable cache only costs a normal load. The folder
 * keeps the few most recently used files (`pruneCodeCaches`).
 */
let codeCacheDir: string | undefined;

/** Sets (or clears) the folder for the compiler's code cache; call before the compiler loads. */
export function setCompilerCodeCache(dir: string | undefined): void {
  codeCacheDir = dir;
}

/** The compiler module. */
export function loadTypeScriptCompiler(): typeof ts {
  const req = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
  const file = join(dirname(req.resolve('@ts-morph/common')), 'typescript.js');
  if (!codeCacheDir) return createRequire(file)('./typescript.js') as typeof ts;
  let cacheFile: string | undefined;
  let cached: Buffer | undefined;
  try {
    const st = statSync(file);
    // V8 rejects code cached under other flags: one file per set of Node flags, so that runs
    // with different flags (`--expose-gc`, NODE_OPTIONS) do not overwrite each other's cache
    const flags = sha256(process.execArgv.join(' '), '\0', process.env.NODE_OPTIONS ?? '').slice(0, 8);
    cacheFile = join(codeCacheDir, `typescript-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}-${flags}.v8`);
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
  try {
    // the compiler's 9 MB are ASCII: a byte copy instead of UTF-8 decoding saves ~50 ms
    const source = readAsciiFast(file);
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: cached });
    const mod = { exports: {} as Record<string, unknown> };
    (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
    const compiler = mod.exports as unknown as typeof ts;
    if (cacheFile && (!cached || script.cachedDataRejected)) {
      // compile the parser's functions first, so that the cache holds them too
      compiler.createSourceFile('warm.ts', 'import a from "b";\nexport class C { m(x: number): string { for (const y of [x]) { if (y) return `${y}`; } return f(x)!.g?.(\'s\'); } }\n', { languageVersion: compiler.ScriptTarget.Latest, jsDocParsingMode: compiler.JSDocParsingMode.ParseNone }, false);
      try {
        writeFileAtomic(cacheFile, script.createCachedData());
        // the folder grows only here: keep the most recently used few (MAX_CODE_CACHES)
        pruneCodeCaches(codeCacheDir, cacheFile);
      } catch {
        /* a cache that cannot be written is only slower */
      }
    } else if (cacheFile) touch(cacheFile); // used: last to be evicted
    return compiler;
  } catch {
    return createRequire(file)('./typescript.js') as typeof ts;
  }
}
