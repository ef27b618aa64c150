import type { AnalyzedFile } from '../extract/index.js';

/**
 * The wired-in check (issue: "tell wired-in code from look-alikes"): a declared name counts as
 * wired when some *other* non-test source file references it; a member (method, field) also when
 * its own file uses it again; a top-level declaration in an entry-point file likewise. Re-export lines (`pub use`, `export {..} from`, `export * from`)
 * are not uses: a type exported and never called is not wired in.
 *
 * @param names declared names that matched a signal (only these are counted)
 * @returns predicate (file, name) -> wired
 */
export function computeWiredNames(
  files: AnalyzedFile[],
  names: Set<string>,
  entries: Set<string>,
): (file: string, name: string, kind: 'decl' | 'member') => boolean {
  // name -> file -> occurrences
  const counts = new Map<string, Map<string, number>>();
  if (names.size) {
    // one pass per file with a literal alternation of the candidate names (longest first)
    const esc = [...names].sort((a, b) => b.length - a.length || a.localeCompare(b)).map((n) => n.replace(/[$]/g, '\\$&'));
    // the left boundary is checked in code: a leading lookbehind would run at every position
    const TOKEN = new RegExp(`(?:${esc.join('|')})(?![A-Za-z0-9_$])`, 'g');
    const IDENT = /[A-Za-z0-9_$]/;
    for (const f of files) {
      if (f.role !== 'source' || !f.text) continue;
      let text = f.text;
      if (text.includes('pub use') || text.includes('export')) {
        text = text.replace(/^\s*pub(?:\([^)]*\))?\s+use\s[^;]*;/gm, '').replace(/^\s*export\s*(?:type\s*)?(?:\*|\{[^}]*\})\s*from\s*['"][^'"]*['"];?/gm, '');
      }
      for (const m of text.matchAll(TOKEN)) {
        if (m.index > 0 && IDENT.test(text[m.index - 1]!)) continue;
        const t = m[0];
        const per = counts.get(t) ?? new Map<string, number>();
        per.set(f.path, (per.get(f.path) ?? 0) + 1);
        counts.set(t, per);
      }
    }
  }
  return (file, name, kind) => {
    const per = counts.get(name);
    if (!per) return false;
    for (const [p, n] of per) {
      if (p !== file) return true;
      // members (methods, fields) are used by their siblings; top-level declarations must be
      // used from another file unless the file is itself an entry point
      if (n >= 2 && (kind === 'member' || entries.has(file))) return true;
    }
    return false;
  };
}
