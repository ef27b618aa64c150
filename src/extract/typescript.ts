import type { ts } from 'ts-morph';
import { loadTypeScriptCompiler } from './ts-compiler.js';

/** The TypeScript compiler bundled by ts-morph (see src/extract/ts-compiler.ts). */
const tsc: typeof ts = loadTypeScriptCompiler();

// The compiler's namespace exports are getters: read each once, not once per node.
const { SyntaxKind: SK, JSDocParsingMode, LanguageVariant, ScriptKind, ScriptTarget, createScanner, createSourceFile, forEachChild, getLineAndCharacterOfPosition, isAwaitExpression, isCallExpression, isElementAccessExpression, isExternalModuleReference, isIdentifier, isLiteralTypeNode, isNoSubstitutionTemplateLiteral, isNonNullExpression, isNumericLiteral, isParenthesizedExpression, isPrivateIdentifier, isPropertyAccessExpression, isPropertyAssignment, isPropertySignature, isStringLiteral, isTypeLiteralNode, isTypeReferenceNode, isUnionTypeNode } = tsc;
import { FactSink, flat, type DeclSpan, type FileFacts } from './types.js';
import type { KeepFn } from './keep.js';
import type { FactKind } from '../rubric/schema.js';
import { TOOL_SCHEMA_KEYS } from './tool-shape.js';

/**
 * TypeScript/JavaScript front end. Parses one file syntax-only with the compiler bundled by
 * ts-morph and walks compiler nodes with `ts.forEachChild` (STYLE.md speed habits: no
 * token-kind searches, no type checker, no retained trees; the SourceFile is dropped on return).
 *
 * Emits: import, decl, member, call, string, key, tooldef, union and test facts (see Fact).
 * Errors in the source are tolerated: the parser recovers and we keep what it produced.
 */

const SCHEMA_KEYS = new Set<string>(TOOL_SCHEMA_KEYS);
const DISCRIMINANTS = new Set(['type', 'kind', 'event', 'tag', 'name']);
const TEST_CALLEES = new Set(['it', 'test', 'describe', 'it.each', 'test.each', 'it.only', 'test.only', 'describe.each']);

function scriptKind(path: string): ts.ScriptKind {
  if (/\.tsx$/.test(path)) return ScriptKind.TSX;
  if (/\.jsx$/.test(path)) return ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ScriptKind.JS;
  return ScriptKind.TS;
}

function nameText(name: ts.Node | undefined): string | undefined {
  if (!name) return undefined;
  if (isIdentifier(name) || isPrivateIdentifier(name)) return name.text;
  if (isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** `a.b.c(...)` -> "a.b.c" (last 3 segments); `this.x.y` -> "this.x.y"; calls inside chains are skipped. */
function calleeText(expr: ts.Expression): string | undefined {
  // the names from the call outwards (`c`, `b`, `a` for `a.b.c`); only the first three count
  let n0: string | undefined;
  let n1: string | undefined;
  let n2: string | undefined;
  let n = 0;
  const take = (name: string) => {
    if (n === 0) n0 = name;
    else if (n === 1) n1 = name;
    else if (n === 2) n2 = name;
    n++;
  };
  let e: ts.Expression = expr;
  for (let depth = 0; depth < 8; depth++) {
    if (isIdentifier(e)) {
      take(e.text);
      break;
    }
    if (e.kind === SK.ThisKeyword) {
      take('this');
      break;
    }
    if (isPropertyAccessExpression(e)) {
      take(e.name.text);
      e = e.expression;
      continue;
    }
    // calls, non-null assertions, parentheses, element access and await inside a chain are skipped
    if (isCallExpression(e) || isNonNullExpression(e) || isParenthesizedExpression(e) || isElementAccessExpression(e) || isAwaitExpression(e)) {
      e = (e as { expression: ts.Expression }).expression;
      continue;
    }
    break;
  }
  // no per-call arrays (issue 16: this runs for every call of every file)
  return n === 0 ? undefined : n === 1 ? n0 : n === 2 ? `${n1}.${n0}` : `${n2}.${n1}.${n0}`;
}

function literalDiscriminant(type: ts.TypeNode | undefined): string | undefined {
  if (type && isLiteralTypeNode(type) && isStringLiteral(type.literal)) return type.literal.text;
  return undefined;
}

/** Discriminant value of a type literal / interface: the literal type of a `type`/`kind`/`event` member. */
function discriminantOf(members: ts.NodeArray<ts.TypeElement>): string | undefined {
  for (const m of members) {
    if (isPropertySignature(m)) {
      const n = nameText(m.name);
      if (n && DISCRIMINANTS.has(n)) {
        const v = literalDiscriminant(m.type);
        if (v) return v;
      }
    }
  }
  return undefined;
}

/**
 * Extracts facts from TypeScript/JavaScript source text.
 * @param path repository-relative path (decides TS/TSX/JS parsing)
 * @param text file contents
 * @param keep which facts to keep (src/extract/keep.ts); all when omitted
 * @param opts.titlesOnly a test file of which only test titles and imports are read (no declarations)
 * @param opts.jsDoc parse JSDoc comments as well (the facts are the same; kept for the test that says so)
 */
export function extractTypeScript(path: string, text: string, keep?: KeepFn, opts: { titlesOnly?: boolean; jsDoc?: boolean } = {}): FileFacts {
  // JSDoc comments are not parsed: no fact comes from them, and skipping them halves parse time
  const sf = createSourceFile(path, text, { languageVersion: ScriptTarget.Latest, jsDocParsingMode: opts.jsDoc ? JSDocParsingMode.ParseAll : JSDocParsingMode.ParseNone }, false, scriptKind(path));
  const sink = new FactSink(keep);
  const imports: string[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  // the line is looked up only for a fact the sink keeps
  const add = (k: FactKind, v: string, n: ts.Node) => {
    if (sink.wants(k, v)) sink.push(k, v, lineOf(n));
  };
  // interface name -> discriminant literal, to resolve unions of named members in this file
  const discByName = new Map<string, string>();
  const unions: Array<{ name: string; line: number; members: ts.NodeArray<ts.TypeNode> }> = [];

  const checkToolDef = (node: ts.Node, keys: string[], nameValue: string | undefined) => {
    if (keys.includes('name') && keys.includes('description') && keys.some((k) => SCHEMA_KEYS.has(k))) {
      add('tooldef', nameValue ?? 'tool', node);
    }
  };

  /** Import and export declarations, `import x = require()`: module specifiers. */
  const importOf = (node: ts.Node): void => {
    if (node.kind === SK.ImportEqualsDeclaration) {
      const ref = (node as ts.ImportEqualsDeclaration).moduleReference;
      if (isExternalModuleReference(ref) && isStringLiteral(ref.expression)) {
        imports.push(ref.expression.text);
        add('import', ref.expression.text, node);
      }
      return;
    }
    const spec = (node as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier;
    if (spec && isStringLiteral(spec)) {
      imports.push(spec.text);
      add('import', spec.text, node);
    }
  };
  /** A call: `import()` / `require()` specifiers, else a call fact and, for it/test/describe, the test title. */
  const callOf = (call: ts.CallExpression): void => {
    const first = call.arguments[0];
    if (call.expression.kind === SK.ImportKeyword || (isIdentifier(call.expression) && call.expression.text === 'require')) {
      if (first && isStringLiteral(first)) {
        imports.push(first.text);
        add('import', first.text, call);
      }
    } else {
      const callee = calleeText(call.expression);
      if (callee) {
        add('call', callee, call.expression);
        if (TEST_CALLEES.has(callee) && first && (isStringLiteral(first) || isNoSubstitutionTemplateLiteral(first))) {
          add('test', first.text, first);
        }
      }
    }
  };
  if (opts.titlesOnly) {
    // a test file whose other facts no signal reads: imports and test titles, no declarations
    const visitTitles = (node: ts.Node): void => {
      const kind = node.kind;
      if (kind === SK.ImportDeclaration || kind === SK.ExportDeclaration || kind === SK.ImportEqualsDeclaration) return importOf(node);
      if (kind === SK.StringLiteral || kind === SK.NoSubstitutionTemplateLiteral) return;
      if (kind === SK.CallExpression) callOf(node as ts.CallExpression);
      forEachChild(node, visitTitles);
    };
    forEachChild(sf, visitTitles);
    return { facts: sink.facts, imports: imports.map(flat), parsed: true, decls: [] };
  }

  // declarations with spans, and the stack of those the walk is inside (for loop flags)
  const decls: DeclSpan[] = [];
  const open: DeclSpan[] = [];
  let container: string | undefined;
  const endLine = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.end).line + 1;
  const spanOf = (node: ts.Node): DeclSpan | undefined => {
    switch (node.kind) {
      case SK.FunctionDeclaration: {
        const n = nameText((node as ts.FunctionDeclaration).name);
        return n ? { n, k: 'f', s: lineOf(node), e: endLine(node) } : undefined;
      }
      case SK.MethodDeclaration:
      case SK.GetAccessor:
      case SK.SetAccessor: {
        const n = nameText((node as ts.MethodDeclaration).name);
        return n ? { n, k: 'm', s: lineOf(node), e: endLine(node), ...(container ? { c: container } : {}) } : undefined;
      }
      case SK.Constructor:
        return { n: 'constructor', k: 'm', s: lineOf(node), e: endLine(node), ...(container ? { c: container } : {}) };
      case SK.VariableDeclaration:
      case SK.PropertyAssignment:
      case SK.PropertyDeclaration: {
        const v = node as ts.VariableDeclaration | ts.PropertyAssignment | ts.PropertyDeclaration;
        const init = v.initializer;
        if (!init || (init.kind !== SK.ArrowFunction && init.kind !== SK.FunctionExpression)) return undefined;
        const n = nameText(v.name);
        if (!n) return undefined;
        return node.kind === SK.VariableDeclaration ? { n, k: 'f', s: lineOf(node), e: endLine(node) } : { n, k: 'm', s: lineOf(node), e: endLine(node), ...(container ? { c: container } : {}) };
      }
      case SK.ClassDeclaration:
      case SK.ClassExpression: {
        const n = nameText((node as ts.ClassLikeDeclaration).name);
        return n ? { n, k: 'c', s: lineOf(node), e: endLine(node) } : undefined;
      }
      default:
        return undefined;
    }
  };

  const visit = (node: ts.Node): void => {
    const span = spanOf(node);
    if (span) {
      if (sink.testRegion) span.t = 1;
      decls.push(span);
      open.push(span);
      const outer = container;
      if (span.k === 'c') container = span.n;
      walk(node);
      container = outer;
      open.pop();
      return;
    }
    walk(node);
  };
  const walk = (node: ts.Node): void => {
    switch (node.kind) {
      case SK.WhileStatement:
      case SK.DoStatement:
      case SK.ForStatement:
      case SK.ForOfStatement:
      case SK.ForInStatement: {
        const inner = open[open.length - 1];
        if (inner && inner.k !== 'c') inner.loop = 1;
        break;
      }
      case SK.SwitchStatement: {
        const subject = calleeText((node as ts.SwitchStatement).expression);
        if (subject) add('switch', subject, node);
        break;
      }
      case SK.ImportDeclaration:
      case SK.ExportDeclaration:
      case SK.ImportEqualsDeclaration:
        importOf(node);
        return;
      case SK.CallExpression:
        callOf(node as ts.CallExpression);
        break;
      case SK.NewExpression: {
        const callee = calleeText((node as ts.NewExpression).expression);
        if (callee) add('call', callee, node);
        break;
      }
      case SK.ClassDeclaration:
      case SK.ClassExpression: {
        const c = node as ts.ClassLikeDeclaration;
        const n = nameText(c.name);
        if (n) add('decl', n, c.name ?? c);
        for (const m of c.members) {
          const mn = nameText(m.name);
          if (mn) add('member', mn, m);
        }
        break;
      }
      case SK.InterfaceDeclaration: {
        const i = node as ts.InterfaceDeclaration;
        add('decl', i.name.text, i.name);
        const keys: string[] = [];
        for (const m of i.members) {
          const mn = nameText(m.name);
          if (mn) {
            add('member', mn, m);
            keys.push(mn);
          }
        }
        const d = discriminantOf(i.members);
        if (d) discByName.set(i.name.text, d);
        checkToolDef(i, keys, i.name.text);
        break;
      }
      case SK.TypeAliasDeclaration: {
        const t = node as ts.TypeAliasDeclaration;
        add('decl', t.name.text, t.name);
        if (isUnionTypeNode(t.type)) unions.push({ name: t.name.text, line: lineOf(t.name), members: t.type.types });
        else if (isTypeLiteralNode(t.type)) {
          const d = discriminantOf(t.type.members);
          if (d) discByName.set(t.name.text, d);
          const keys = t.type.members.map((m) => nameText(m.name)).filter((x): x is string => !!x);
          for (const m of t.type.members) {
            const mn = nameText(m.name);
            if (mn) add('member', mn, m);
          }
          checkToolDef(t, keys, t.name.text);
        }
        break;
      }
      case SK.EnumDeclaration: {
        const e = node as ts.EnumDeclaration;
        add('decl', e.name.text, e.name);
        const values: string[] = [];
        for (const m of e.members) {
          const mn = nameText(m.name);
          if (mn) {
            add('member', mn, m);
            values.push(m.initializer && isStringLiteral(m.initializer) ? m.initializer.text : mn);
          }
        }
        if (values.length >= 2) add('union', values.join('|'), e.name);
        break;
      }
      case SK.FunctionDeclaration: {
        const n = nameText((node as ts.FunctionDeclaration).name);
        if (n) add('decl', n, node);
        break;
      }
      case SK.VariableDeclaration: {
        const v = node as ts.VariableDeclaration;
        if (isIdentifier(v.name)) add('decl', v.name.text, v.name);
        break;
      }
      case SK.ObjectLiteralExpression: {
        const o = node as ts.ObjectLiteralExpression;
        const keys: string[] = [];
        let nameValue: string | undefined;
        for (const p of o.properties) {
          const pn = nameText(p.name);
          if (!pn) continue;
          keys.push(pn);
          add('key', pn, p);
          if (pn === 'name' && isPropertyAssignment(p) && (isStringLiteral(p.initializer) || isNoSubstitutionTemplateLiteral(p.initializer))) nameValue = p.initializer.text;
        }
        checkToolDef(o, keys, nameValue);
        break;
      }
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral: {
        const s = (node as ts.StringLiteral).text;
        if (s.length <= 80) add('string', s, node);
        return;
      }
      default:
        break;
    }
    forEachChild(node, visit);
  };
  forEachChild(sf, visit);

  for (const u of unions) {
    const values: string[] = [];
    for (const m of u.members) {
      if (isLiteralTypeNode(m) && isStringLiteral(m.literal)) values.push(m.literal.text);
      else if (isTypeLiteralNode(m)) {
        const d = discriminantOf(m.members);
        if (d) values.push(d);
      } else if (isTypeReferenceNode(m) && isIdentifier(m.typeName)) {
        const d = discByName.get(m.typeName.text);
        if (d) values.push(d);
      }
    }
    if (values.length >= 2) sink.add('union', `${u.name}:${values.join('|')}`, u.line);
  }
  // names and specifiers are slices of the text: copy them so the text can be freed
  for (const d of decls) {
    d.n = flat(d.n);
    if (d.c) d.c = flat(d.c);
  }
  return { facts: sink.facts, imports: imports.map(flat), parsed: true, decls };
}


/** The calls whose first string argument is a test title, by callee and its one property (`it.each`). */
const TEST_CALLEE_PROPS = new Map<string, Set<string>>([['it', new Set(['each', 'only'])], ['test', new Set(['each', 'only'])], ['describe', new Set(['each'])]]);

/**
 * The titles-only reading of a test file without a syntax tree: one pass of the compiler's
 * scanner (comments, strings, templates and regular expressions tokenised as the parser would)
 * and a look at the tokens around `it` / `test` / `describe`, `import`, `export` and `require`.
 * It gives the facts `extractTypeScript(..., { titlesOnly: true })` gives: the module specifiers
 * of import and export declarations, `import x = require()`, `import()` and `require()` calls
 * (a `typeof import('x')` is a type, not an import), and the first argument of a call of a
 * `TEST_CALLEES` callee when it is a string literal (also in chains: `it.each(table)('title')`).
 * About 4x cheaper than the parse. The cost of being lexical: text inside JSX elements is
 * scanned as code (a `test('x')` written there would count as a title), and a `/` right after
 * `)` or `}` is read as division.
 * @param path repository-relative path (TSX/JSX files are scanned in the JSX variant)
 * @param keep which facts to keep (src/extract/keep.ts); all when omitted
 */
export function scanTestFile(path: string, text: string, keep?: KeepFn): FileFacts {
  const kind = scriptKind(path);
  const scanner = createScanner(ScriptTarget.Latest, true, kind === ScriptKind.TS ? LanguageVariant.Standard : LanguageVariant.JSX, text);
  // every token: kind, start, end; cooked values of string-like tokens by index
  const kinds: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const values = new Map<number, string>();
  // open template substitutions (true) and braces (false), innermost last
  const braces: boolean[] = [];
  for (let t = scanner.scan(); t !== SK.EndOfFileToken; t = scanner.scan()) {
    if (t === SK.SlashToken || t === SK.SlashEqualsToken) {
      if (regexMayStart(kinds.length ? kinds[kinds.length - 1]! : SK.Unknown)) t = scanner.reScanSlashToken();
    } else if (t === SK.OpenBraceToken) braces.push(false);
    else if (t === SK.TemplateHead) braces.push(true);
    else if (t === SK.CloseBraceToken) {
      if (braces.pop()) {
        t = scanner.reScanTemplateToken(false);
        if (t === SK.TemplateMiddle) braces.push(true);
      }
    }
    const i = kinds.length;
    kinds.push(t);
    starts.push(scanner.getTokenStart());
    ends.push(scanner.getTokenEnd());
    if (t === SK.StringLiteral || t === SK.NoSubstitutionTemplateLiteral) values.set(i, scanner.getTokenValue());
  }
  const sink = new FactSink(keep);
  const imports: string[] = [];
  const lines = { text } as unknown as ts.SourceFileLike;
  const lineAt = (pos: number) => getLineAndCharacterOfPosition(lines, pos).line + 1;
  const n = kinds.length;
  // a name: an identifier or a contextual keyword (`require`, `type`, `of` are names to the scanner's eyes)
  const word = (i: number) => (kinds[i] === SK.Identifier || (kinds[i]! > SK.LastReservedWord && kinds[i]! <= SK.LastKeyword) ? text.slice(starts[i], ends[i]) : undefined);
  const stringArg = (i: number) => kinds[i] === SK.StringLiteral && (kinds[i + 1] === SK.CommaToken || kinds[i + 1] === SK.CloseParenToken);
  const addImport = (spec: string, at: number) => {
    imports.push(spec);
    sink.add('import', spec, lineAt(starts[at]!));
  };
  /** The index after the bracket that closes the one at `i` (`open` / `close` token kinds). */
  const skipGroup = (i: number, open: number, close: number) => {
    let depth = 0;
    for (; i < n; i++) {
      if (kinds[i] === open) depth++;
      else if (kinds[i] === close && --depth === 0) return i + 1;
    }
    return n;
  };
  /** An `import(` at `i` that is a type: after `typeof` / `as` / `satisfies` / `|` / `&`, or with a qualifier that is not called. */
  const importType = (i: number, prev: number) => {
    if (prev === SK.TypeOfKeyword || prev === SK.AsKeyword || prev === SK.SatisfiesKeyword || prev === SK.BarToken || prev === SK.AmpersandToken) return true;
    const after = skipGroup(i + 1, SK.OpenParenToken, SK.CloseParenToken);
    return kinds[after] === SK.DotToken && !!word(after + 1) && kinds[after + 2] !== SK.OpenParenToken;
  };
  for (let i = 0; i < n; i++) {
    const k = kinds[i]!;
    const prev = i > 0 ? kinds[i - 1]! : SK.Unknown;
    if (prev === SK.DotToken || prev === SK.QuestionDotToken) continue;
    if (k === SK.Identifier || k === SK.RequireKeyword) {
      const name = word(i)!;
      if (name === 'require') {
        if (prev !== SK.NewKeyword && kinds[i + 1] === SK.OpenParenToken && stringArg(i + 2)) addImport(values.get(i + 2)!, i);
        continue;
      }
      const props = TEST_CALLEE_PROPS.get(name);
      if (!props || prev === SK.NewKeyword) continue;
      let j = i + 1;
      if (kinds[j] === SK.DotToken) {
        const prop = word(j + 1);
        if (!prop || !props.has(prop)) continue;
        j += 2;
      }
      if (kinds[j] === SK.LessThanToken) j = skipGroup(j, SK.LessThanToken, SK.GreaterThanToken);
      // a chain of calls on the callee: the outermost call's title first, as the tree walk finds them
      const titles: number[] = [];
      while (kinds[j] === SK.OpenParenToken) {
        if ((kinds[j + 1] === SK.StringLiteral || kinds[j + 1] === SK.NoSubstitutionTemplateLiteral) && (kinds[j + 2] === SK.CommaToken || kinds[j + 2] === SK.CloseParenToken)) titles.push(j + 1);
        j = skipGroup(j, SK.OpenParenToken, SK.CloseParenToken);
      }
      for (let t = titles.length - 1; t >= 0; t--) sink.add('test', values.get(titles[t]!)!, lineAt(starts[titles[t]!]!));
    } else if (k === SK.ImportKeyword) {
      const next = kinds[i + 1];
      if (next === SK.OpenParenToken) {
        // `typeof import('m')`, `x as import('m').T`, `: import('m').T[]` are types, not imports
        if (stringArg(i + 2) && !importType(i, prev)) addImport(values.get(i + 2)!, i);
      } else if (next === SK.StringLiteral) addImport(values.get(i + 1)!, i);
      else if (next !== SK.DotToken) {
        // `import x = require('m')`, else the `from 'm'` that ends the declaration
        let j = i + 1;
        if (kinds[j] === SK.TypeKeyword && kinds[j + 1] !== SK.EqualsToken && kinds[j + 1] !== SK.FromKeyword && kinds[j + 1] !== SK.CommaToken) j++;
        if (kinds[j + 1] === SK.EqualsToken && word(j + 2) === 'require' && kinds[j + 3] === SK.OpenParenToken && kinds[j + 4] === SK.StringLiteral) {
          addImport(values.get(j + 4)!, i);
          i = j + 4;
          continue;
        }
        for (; j < n && kinds[j] !== SK.SemicolonToken && kinds[j] !== SK.StringLiteral && kinds[j] !== SK.ImportKeyword; j++);
        if (kinds[j] === SK.StringLiteral && kinds[j - 1] === SK.FromKeyword) addImport(values.get(j)!, i);
      }
    } else if (k === SK.ExportKeyword) {
      let j = i + 1;
      if (kinds[j] === SK.TypeKeyword) j++;
      if (kinds[j] === SK.AsteriskToken) {
        j++;
        if (kinds[j] === SK.AsKeyword) j += 2;
      } else if (kinds[j] === SK.OpenBraceToken) j = skipGroup(j, SK.OpenBraceToken, SK.CloseBraceToken);
      else continue;
      if (kinds[j] === SK.FromKeyword && kinds[j + 1] === SK.StringLiteral) addImport(values.get(j + 1)!, i);
    }
  }
  return { facts: sink.facts, imports: imports.map(flat), parsed: true, decls: [] };
}

/** True when a `/` after a token of this kind starts a regular expression rather than a division. */
function regexMayStart(prev: number): boolean {
  switch (prev) {
    case SK.Identifier:
    case SK.PrivateIdentifier:
    case SK.NumericLiteral:
    case SK.BigIntLiteral:
    case SK.StringLiteral:
    case SK.NoSubstitutionTemplateLiteral:
    case SK.TemplateTail:
    case SK.RegularExpressionLiteral:
    case SK.CloseParenToken:
    case SK.CloseBracketToken:
    case SK.CloseBraceToken:
    case SK.PlusPlusToken:
    case SK.MinusMinusToken:
    case SK.ThisKeyword:
    case SK.SuperKeyword:
    case SK.NullKeyword:
    case SK.TrueKeyword:
    case SK.FalseKeyword:
      return false;
    default:
      // reserved words (`return /x/`) and punctuation start an expression; contextual keywords
      // (`type`, `as`, `of`...) are mostly names here, except the ones that take an operand
      if (prev > SK.LastReservedWord && prev <= SK.LastKeyword) return prev === SK.AwaitKeyword || prev === SK.OfKeyword || prev === SK.YieldKeyword;
      return true;
  }
}
