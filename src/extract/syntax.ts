import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import type { Parser as TSParser, Language as TSLanguage, Node as TSNode } from '@vscode/tree-sitter-wasm';
import { FactSink, flat, type DeclSpan, type FileFacts } from './types.js';
import type { KeepFn } from './keep.js';
import type { FactKind } from '../rubric/schema.js';
import { TOOL_SCHEMA_KEYS } from './tool-shape.js';
import { addKeys, addToolDefs } from './lines.js';

/**
 * Syntax-level front ends for Python, Rust and Go (issue 6), on tree-sitter grammars compiled
 * to WebAssembly (`@vscode/tree-sitter-wasm`: the grammars' `.wasm` files and web-tree-sitter,
 * no native addon, nothing built at install time). They emit the same fact kinds as the
 * TypeScript front end, so the rubric and the detection engine stay language-agnostic:
 * import, decl, member, call (incl. decorators/attributes), string, key, tooldef, union, test.
 * Comments and docstrings are never facts. ERROR nodes are tolerated: the parser recovers and
 * we keep what it produced. Trees are deleted after the walk.
 */

export type SyntaxLanguage = 'python' | 'rust' | 'go';

const require = createRequire(import.meta.url);
let runtime: Promise<typeof import('@vscode/tree-sitter-wasm')> | undefined;
const languages = new Map<SyntaxLanguage, Promise<TSLanguage>>();
const wasmDir = () => dirname(require.resolve('@vscode/tree-sitter-wasm'));

/**
 * Loads web-tree-sitter once, then each grammar on first use. WebAssembly is compiled lazily
 * (V8's --wasm-lazy-compilation): a grammar's parse tables are large and a run needs only part
 * of its code, which saves about 0.4 s per cold run.
 */
export async function loadSyntax(lang: SyntaxLanguage): Promise<{ Parser: typeof TSParser; language: TSLanguage }> {
  runtime ??= (async () => {
    setFlagsFromString('--wasm-lazy-compilation');
    const mod = require('@vscode/tree-sitter-wasm') as typeof import('@vscode/tree-sitter-wasm');
    await mod.Parser.init({ locateFile: (f: string) => join(wasmDir(), f) });
    return mod;
  })();
  const mod = await runtime;
  let l = languages.get(lang);
  if (!l) languages.set(lang, (l = mod.Language.load(join(wasmDir(), `tree-sitter-${lang}.wasm`))));
  return { Parser: mod.Parser, language: await l };
}

const SCHEMA_KEYS = new Set<string>(TOOL_SCHEMA_KEYS);
const parsers = new Map<SyntaxLanguage, TSParser>();

type Handler = (n: TSNode, ctx: WalkContext) => void;
interface WalkContext {
  sink: FactSink;
  imports: string[];
  entry: boolean;
  line: (n: TSNode) => number;
  /** Declaration spans for the harness model (src/model). */
  decls: DeclSpan[];
  /** Lines of loop statements; assigned to their innermost declaration after the walk. */
  loops: number[];
  /** Python: class name -> discriminant literal (`type: Literal["text_delta"]`), for unions of classes. */
  disc: Map<string, string>;
  /** Python: `Name = Union[A, B]` unions of class names, resolved after the walk. */
  classUnions: Array<{ name: string; members: string[]; line: number }>;
  /** Go: [start, end) of each import declaration (its strings are import paths, not string facts). */
  goImports?: Array<[number, number]>;
}

/** Adds a fact when the sink keeps it; only then is the node's line read (a call into WebAssembly). */
function add(ctx: WalkContext, k: FactKind, v: string, n: TSNode): void {
  if (ctx.sink.wants(k, v)) ctx.sink.push(k, v, ctx.line(n));
}

/** Records a declaration span (1-based inclusive lines) for the harness model. */
function span(ctx: WalkContext, n: TSNode, name: string, k: DeclSpan['k'], container?: string): void {
  const d: DeclSpan = { n: name, k, s: n.startPosition.row + 1, e: n.endPosition.row + 1 };
  if (container) d.c = container;
  if (ctx.sink.testRegion) d.t = 1;
  ctx.decls.push(d);
}

/** A loop statement: its line, for the loop flag of the enclosing declaration. */
function loopHandler(n: TSNode, ctx: WalkContext): void {
  ctx.loops.push(n.startPosition.row + 1);
}

/** `switch x.y {`, `match tool_name {`: the subject as a `switch` fact. */
function switchHandler(field: string): Handler {
  return (n, ctx) => {
    const subject = calleeOf(n.childForFieldName(field));
    if (subject) add(ctx, 'switch', subject, n);
  };
}

/** Tool-definition check shared by dict/struct/keyword-argument literals. */
function toolDef(ctx: WalkContext, keys: string[], nameValue: string | undefined, line: number): void {
  if (keys.includes('name') && keys.includes('description') && keys.some((k) => SCHEMA_KEYS.has(k))) ctx.sink.add('tooldef', nameValue ?? 'tool', line);
}

/**
 * A keyed literal (Python dict or keyword arguments, Rust struct literal, Go composite literal):
 * each key is a `key` fact; name + description + schema key make a `tooldef` named by the
 * string value of `name`. `items` = [key, value node, node to take the line from].
 */
function keyedLiteral(ctx: WalkContext, at: TSNode, items: Array<[string | undefined, TSNode | null | undefined, TSNode]>): void {
  const keys: string[] = [];
  let nameValue: string | undefined;
  for (const [key, value, where] of items) {
    if (!key) continue;
    keys.push(key);
    add(ctx, 'key', key, where);
    if (key.toLowerCase() === 'name' && value && /string/.test(value.type)) nameValue = stringValue(value);
  }
  // Go exports fields in PascalCase (Name, InputSchema): compare keys with a lowercase first letter
  if (keys.length) toolDef(ctx, keys.map((k) => k.charAt(0).toLowerCase() + k.slice(1)), nameValue, ctx.line(at));
}

/** `f(...)`, `a.b(...)`, `a::b(...)`: a call fact from the callee. */
function callHandler(n: TSNode, ctx: WalkContext): void {
  const callee = calleeOf(n.childForFieldName('function'));
  if (callee) add(ctx, 'call', callee, n);
}

/** A method (Rust trait signature, Go method): both a member and a declaration. */
function methodHandler(n: TSNode, ctx: WalkContext): void {
  const name = n.childForFieldName('name')?.text;
  if (!name) return;
  add(ctx, 'member', name, n);
  add(ctx, 'decl', name, n);
}

/** String literal contents without quotes or prefixes, or undefined when longer than 80. */
function stringValue(n: TSNode): string | undefined {
  const t = n.text.replace(/^[rbufRBUF]*("""|'''|"|'|`)/, '').replace(/("""|'''|"|'|`)$/, '').replace(/^r#*"|"#*$/g, '');
  return t.length <= 80 && !t.includes('\n') ? t : undefined;
}

/** `a.b.c(...)` callee as its last three segments (calls inside a chain are skipped). */
function calleeOf(fn: TSNode | null): string | undefined {
  const parts: string[] = [];
  let e: TSNode | null = fn;
  for (let depth = 0; e && depth < 8; depth++) {
    switch (e.type) {
      case 'identifier':
      case 'field_identifier':
      case 'package_identifier':
      case 'self':
        parts.unshift(e.text);
        e = null;
        break;
      case 'attribute': // python a.b
        parts.unshift(e.childForFieldName('attribute')?.text ?? '');
        e = e.childForFieldName('object');
        break;
      case 'field_expression': // rust a.b
        parts.unshift(e.childForFieldName('field')?.text ?? '');
        e = e.childForFieldName('value');
        break;
      case 'selector_expression': // go a.b
        parts.unshift(e.childForFieldName('field')?.text ?? '');
        e = e.childForFieldName('operand');
        break;
      case 'scoped_identifier': // rust a::b
        parts.unshift(...e.text.replace(/\s+/g, '').split('::'));
        e = null;
        break;
      case 'generic_function':
        e = e.childForFieldName('function');
        break;
      case 'call':
      case 'call_expression':
        e = e.childForFieldName('function');
        break;
      case 'subscript':
      case 'index_expression':
      case 'parenthesized_expression':
      case 'await':
      case 'await_expression':
      case 'try_expression':
        e = e.namedChild(0);
        break;
      default:
        e = null;
    }
  }
  const clean = parts.filter(Boolean);
  return clean.length ? clean.slice(-3).join('.') : undefined;
}

// ---------------------------------------------------------------- Python
/** The class a definition sits in (decorators looked through), or undefined at module or function level. */
function pyClassOf(n: TSNode): TSNode | undefined {
  let p = n.parent;
  let t = p?.type;
  if (t === 'decorated_definition') {
    p = p!.parent;
    t = p?.type;
  }
  if (t !== 'block') return undefined;
  const cls = p!.parent;
  return cls?.type === 'class_definition' ? cls : undefined;
}

const DISCRIMINANT_FIELDS = new Set(['type', 'kind', 'event', 'tag']);

const PYTHON: Record<string, Handler> = {
  import_statement(n, ctx) {
    for (const c of n.namedChildren) {
      const name = c?.type === 'aliased_import' ? c.childForFieldName('name')?.text : c?.type === 'dotted_name' ? c.text : undefined;
      if (name) {
        ctx.imports.push(name);
        add(ctx, 'import', name, n);
      }
    }
  },
  import_from_statement(n, ctx) {
    const modNode = n.childForFieldName('module_name');
    const mod = modNode?.text.replace(/\s+/g, '') ?? '';
    ctx.imports.push(mod);
    add(ctx, 'import', mod, n);
    for (const c of n.namedChildren) {
      if (!c || c.id === modNode?.id) continue;
      const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.type === 'dotted_name' ? c.text : undefined;
      if (name) ctx.imports.push(`${mod}${mod.endsWith('.') ? '' : '.'}${name}`);
    }
  },
  class_definition(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    span(ctx, n, name, 'c');
    ctx.sink.add(pyClassOf(n) ? 'member' : 'decl', name, ctx.line(n));
    if (/^Test/.test(name)) add(ctx, 'test', name, n);
    for (const st of n.childForFieldName('body')?.namedChildren ?? []) {
      const a = st?.type === 'expression_statement' ? st.namedChild(0) : null;
      const left = a?.type === 'assignment' ? a.childForFieldName('left')?.text : undefined;
      const lit = left && DISCRIMINANT_FIELDS.has(left) ? /^Literal\[\s*["']([^"']+)["']\s*\]$/.exec(a!.childForFieldName('type')?.text ?? '') : null;
      if (lit) ctx.disc.set(name, lit[1]!);
    }
    const supers = n.childForFieldName('superclasses')?.text ?? '';
    if (/\b(Enum|StrEnum|IntEnum|Flag)\b/.test(supers)) {
      const values: string[] = [];
      for (const st of n.childForFieldName('body')?.namedChildren ?? []) {
        const a = st?.type === 'expression_statement' ? st.namedChild(0) : null;
        if (a?.type !== 'assignment') continue;
        const left = a.childForFieldName('left');
        const right = a.childForFieldName('right');
        if (left?.type === 'identifier') values.push(right?.type === 'string' ? (stringValue(right) ?? left.text) : left.text);
      }
      if (values.length >= 2) add(ctx, 'union', `${name}:${values.join('|')}`, n);
    }
  },
  function_definition(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    const cls = pyClassOf(n);
    span(ctx, n, name, cls ? 'm' : 'f', cls?.childForFieldName('name')?.text);
    ctx.sink.add(cls ? 'member' : 'decl', name, ctx.line(n));
    if (/^test_?/i.test(name)) add(ctx, 'test', name, n);
  },
  assignment(n, ctx) {
    const left = n.childForFieldName('left');
    if (!left) return;
    // node types and parents asked once each, and the parents only for a name (each is a call
    // into WebAssembly)
    const lt = left.type;
    if (lt === 'identifier') {
      const scope = n.parent?.parent;
      const st = scope?.type;
      if (st === 'module') add(ctx, 'decl', left.text, n);
      else if (st === 'block' && scope!.parent?.type === 'class_definition') add(ctx, 'member', left.text, n);
    } else if (lt === 'attribute' && left.childForFieldName('object')?.text === 'self') {
      const attr = left.childForFieldName('attribute')?.text;
      if (attr) add(ctx, 'member', attr, n);
    }
  },
  augmented_assignment(n, ctx) {
    const left = n.childForFieldName('left');
    if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self') {
      const attr = left.childForFieldName('attribute')?.text;
      if (attr) add(ctx, 'member', attr, n);
    }
  },
  call(n, ctx) {
    callHandler(n, ctx);
    const args = n.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return;
    keyedLiteral(ctx, n, args.namedChildren.filter((a) => a?.type === 'keyword_argument').map((a) => [a!.childForFieldName('name')?.text, a!.childForFieldName('value'), a!]));
  },
  decorator(n, ctx) {
    const e = n.namedChild(0);
    if (e && e.type !== 'call') {
      const callee = calleeOf(e);
      if (callee) add(ctx, 'call', callee, n);
    }
  },
  dictionary(n, ctx) {
    keyedLiteral(ctx, n, n.namedChildren.filter((p) => p?.type === 'pair' && p.childForFieldName('key')?.type === 'string').map((p) => [stringValue(p!.childForFieldName('key')!), p!.childForFieldName('value'), p!]));
  },
  subscript(n, ctx) {
    const value = n.childForFieldName('value');
    const subs = n.childrenForFieldName('subscript');
    if (value?.text === 'Union' && n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.type === 'identifier') {
      ctx.classUnions.push({ name: n.parent.childForFieldName('left')!.text, members: subs.filter((x) => x?.type === 'identifier').map((x) => x!.text), line: ctx.line(n) });
    } else if (value?.text === 'Literal') {
      const vals = subs.filter((s) => s?.type === 'string').map((s) => stringValue(s!)).filter((x): x is string => !!x);
      // `EventType = Literal["a", "b"]` names its union, like a TypeScript type alias
      const target = n.parent?.type === 'assignment' ? n.parent.childForFieldName('left') : null;
      const name = target?.type === 'identifier' ? `${target.text}:` : '';
      if (vals.length >= 2) add(ctx, 'union', `${name}${vals.join('|')}`, n);
    } else if (subs.length === 1 && subs[0]?.type === 'string') {
      const k = stringValue(subs[0]);
      if (k && /^[A-Za-z_][\w-]*$/.test(k)) add(ctx, 'key', k, n);
    }
  },
  string(n, ctx) {
    // a string statement on its own is a docstring or a comment (the parent asked once: each
    // `parent` is a call into WebAssembly and a new node)
    const pt = n.parent?.type;
    if (pt === 'expression_statement' || pt === 'concatenated_string') return;
    const v = stringValue(n);
    if (v) add(ctx, 'string', v, n);
  },
  while_statement: loopHandler,
  for_statement: loopHandler,
  match_statement: switchHandler('subject'),
  if_statement(n, ctx) {
    if (/^__name__\s*==\s*["']__main__["']$/.test(n.childForFieldName('condition')?.text ?? '')) ctx.entry = true;
  },
};

// ---------------------------------------------------------------- Rust
function precededByAttr(n: TSNode, re: RegExp): boolean {
  for (let s = n.previousNamedSibling; s && (s.type === 'attribute_item' || s.type === 'line_comment' || s.type === 'block_comment'); s = s.previousNamedSibling) {
    if (s.type === 'attribute_item' && re.test(s.text)) return true;
  }
  return false;
}

const RUST: Record<string, Handler> = {
  use_declaration(n, ctx) {
    const arg = n.childForFieldName('argument')?.text.replace(/\s+/g, '') ?? '';
    const brace = arg.indexOf('{');
    const prefix = brace >= 0 ? arg.slice(0, brace) : arg.replace(/::\*$/, '::');
    ctx.imports.push(prefix);
    add(ctx, 'import', prefix, n);
    if (brace >= 0) for (const item of arg.slice(brace + 1, arg.lastIndexOf('}')).split(',').map((s) => s.split(/::|as/)[0]!.trim()).filter(Boolean)) add(ctx, 'import', `${prefix}${item}`, n);
  },
  mod_item(n, ctx) {
    if (!n.childForFieldName('body')) ctx.imports.push(`mod:${n.childForFieldName('name')?.text ?? ''}`);
  },
  function_item(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    const parent = n.parent;
    const pt = parent?.type;
    const owner = pt === 'declaration_list' ? parent!.parent : null;
    const inImpl = owner?.type === 'impl_item' || owner?.type === 'trait_item';
    span(ctx, n, name, inImpl ? 'm' : 'f', inImpl ? rustOwnerName(owner!) : undefined);
    if (inImpl) add(ctx, 'member', name, n);
    add(ctx, 'decl', name, n);
    if (ctx.sink.testRegion || precededByAttr(n, /#\[(?:tokio::)?test\b/)) add(ctx, 'test', name, n);
    if (name === 'main' && pt === 'source_file') ctx.entry = true;
  },
  function_signature_item: methodHandler,
  loop_expression: loopHandler,
  while_expression: loopHandler,
  for_expression: loopHandler,
  match_expression: switchHandler('value'),
  struct_item(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (name) add(ctx, 'decl', name, n);
    const body = n.childForFieldName('body');
    for (const f of body?.type === 'field_declaration_list' ? body.namedChildren : []) {
      const fname = f?.type === 'field_declaration' ? f.childForFieldName('name')?.text : undefined;
      if (fname) add(ctx, 'member', fname, f!);
    }
  },
  enum_item(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    add(ctx, 'decl', name, n);
    const variants: string[] = [];
    for (const v of n.childForFieldName('body')?.namedChildren ?? []) {
      const vn = v?.type === 'enum_variant' ? v.childForFieldName('name')?.text : undefined;
      if (vn) {
        variants.push(vn);
        add(ctx, 'member', vn, v!);
      }
    }
    if (variants.length >= 2) add(ctx, 'union', `${name}:${variants.join('|')}`, n);
  },
  trait_item: declName,
  type_item: declName,
  const_item: declName,
  static_item: declName,
  union_item: declName,
  call_expression: callHandler,
  macro_invocation(n, ctx) {
    const m = n.childForFieldName('macro')?.text;
    if (m && !/^(?:println|print|eprintln|eprint|format|write|writeln|vec|assert|assert_eq|assert_ne|debug_assert|panic|matches|todo|unreachable|unimplemented)$/.test(m)) add(ctx, 'call', m.replace(/::/g, '.').split('.').slice(-3).join('.'), n);
  },
  struct_expression(n, ctx) {
    const fields = n.childForFieldName('body')?.namedChildren.filter((f) => f?.type === 'field_initializer') ?? [];
    keyedLiteral(ctx, n, fields.map((f) => [f!.childForFieldName('field')?.text, f!.childForFieldName('value'), f!]));
  },
  string_literal: rustString,
  raw_string_literal: rustString,
  attribute_item(n, ctx) {
    // #[tool(...)] and #[derive(...)] read like decorators
    const path = n.namedChild(0)?.namedChild(0);
    if (path && (path.type === 'identifier' || path.type === 'scoped_identifier') && path.text !== 'derive' && path.text !== 'cfg' && path.text !== 'allow') add(ctx, 'call', path.text.replace(/::/g, '.'), n);
  },
};
/** `impl Foo`, `impl Trait for Foo`, `trait Foo`: the type name (generics dropped). */
function rustOwnerName(owner: TSNode): string | undefined {
  const t = owner.childForFieldName(owner.type === 'trait_item' ? 'name' : 'type');
  return t?.text.replace(/<[\s\S]*$/, '').split('::').pop();
}

function declName(n: TSNode, ctx: WalkContext): void {
  const name = n.childForFieldName('name')?.text;
  if (name) add(ctx, 'decl', name, n);
}
function rustString(n: TSNode, ctx: WalkContext): void {
  const v = stringValue(n);
  if (v) add(ctx, 'string', v, n);
}

// ---------------------------------------------------------------- Go
const GO: Record<string, Handler> = {
  import_declaration(n, ctx) {
    (ctx.goImports ??= []).push([n.startIndex, n.endIndex]);
  },
  package_clause(n, ctx) {
    if (n.namedChild(0)?.text === 'main') ctx.entry = true;
  },
  import_spec(n, ctx) {
    const p = n.childForFieldName('path');
    const v = p ? stringValue(p) : undefined;
    if (v) {
      ctx.imports.push(v);
      add(ctx, 'import', v, n);
    }
  },
  function_declaration(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    span(ctx, n, name, 'f');
    add(ctx, 'decl', name, n);
    if (/^(Test|Benchmark|Fuzz)[A-Z_]/.test(name)) add(ctx, 'test', name, n);
  },
  method_declaration(n, ctx) {
    methodHandler(n, ctx);
    const name = n.childForFieldName('name')?.text;
    const recv = n.childForFieldName('receiver')?.text.match(/([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*\)$/)?.[1];
    if (name) span(ctx, n, name, 'm', recv);
  },
  for_statement: loopHandler,
  expression_switch_statement: switchHandler('value'),
  type_switch_statement: switchHandler('value'),
  type_spec(n, ctx) {
    const name = n.childForFieldName('name')?.text;
    if (name) add(ctx, 'decl', name, n);
    const t = n.childForFieldName('type');
    if (t?.type === 'struct_type') {
      for (const f of t.namedChild(0)?.namedChildren ?? []) {
        for (const id of f?.type === 'field_declaration' ? f.childrenForFieldName('name') : []) if (id) add(ctx, 'member', id.text, f!);
      }
    } else if (t?.type === 'interface_type') {
      for (const m of t.namedChildren) {
        const mn = m && /method/.test(m.type) ? m.childForFieldName('name')?.text : undefined;
        if (mn) add(ctx, 'member', mn, m!);
      }
    }
  },
  const_spec: goSpec,
  var_spec: goSpec,
  call_expression: callHandler,
  literal_value(n, ctx) {
    const items: Array<[string | undefined, TSNode | null | undefined, TSNode]> = [];
    for (const el of n.namedChildren) {
      if (el?.type !== 'keyed_element') continue;
      const kNode = el.namedChild(0);
      const inner = kNode?.namedChild(0) ?? kNode;
      const key = inner ? (/string_literal/.test(inner.type) ? stringValue(inner) : inner.text) : undefined;
      const vNode = el.namedChild(1);
      if (key && /^[A-Za-z_][\w-]*$/.test(key)) items.push([key, vNode?.namedChild(0) ?? vNode, el]);
    }
    keyedLiteral(ctx, n, items);
  },
  interpreted_string_literal: goString,
  raw_string_literal: goString,
};
function goSpec(n: TSNode, ctx: WalkContext): void {
  const parent = n.parent;
  if (parent?.type !== 'source_file' && parent?.parent?.type !== 'source_file') return;
  for (const id of n.childrenForFieldName('name')) if (id) add(ctx, 'decl', id.text, n);
}
function goString(n: TSNode, ctx: WalkContext): void {
  // an import path (the handled nodes come in text order: its declaration was seen first); no
  // parent lookup, which walks the tree from its root (issue 16)
  const at = n.startIndex;
  if (ctx.goImports?.some(([s, e]) => at >= s && at < e)) return;
  const v = stringValue(n);
  if (v) add(ctx, 'string', v, n);
}

const HANDLERS: Record<SyntaxLanguage, Record<string, Handler>> = { python: PYTHON, rust: RUST, go: GO };
const COMMENT_TYPES: Record<SyntaxLanguage, string[]> = { python: [], rust: ['line_comment', 'block_comment'], go: [] };
/** Per language: the node types the walk wants, and whether some anonymous token shares one of their names. */
const wanted = new Map<SyntaxLanguage, { types: string[]; ambiguous: boolean }>();

/**
 * Every handled node type (plus comments and Rust modules), in text order: the grammar's native
 * `descendantsOfType` walk, not a JavaScript walk over every node. Issue 16: it gives the nodes
 * the former one-pattern-per-type query captured, in the same order, for 3-5% less CPU per file
 * (no query state per node, no capture list). It selects by symbol name, so were an anonymous
 * token (`for`, `import`) named like a handled type, the unnamed ones are left out.
 */
function handledNodes(lang: SyntaxLanguage, language: TSLanguage, root: TSNode): TSNode[] {
  let w = wanted.get(lang);
  if (!w) {
    const types = Object.keys(HANDLERS[lang]);
    if (lang === 'rust' && !types.includes('mod_item')) types.push('mod_item');
    types.push(...COMMENT_TYPES[lang]);
    const names = new Set(types);
    let ambiguous = false;
    language.types.forEach((name, symbol) => {
      if (names.has(name) && !language.nodeTypeIsNamed(symbol)) ambiguous = true;
    });
    wanted.set(lang, (w = { types, ambiguous }));
  }
  const nodes = root.descendantsOfType(w.types).filter((n): n is TSNode => n !== null);
  return w.ambiguous ? nodes.filter((n) => n.isNamed) : nodes;
}

/**
 * Extracts facts from Python, Rust or Go source with the tree-sitter grammar. The handled node
 * types are found natively (`handledNodes`: no JavaScript walk over every node). Rust code under
 * `#[cfg(test)]` modules is marked as a test region, like the TypeScript test facts.
 * @param path repository-relative path (Rust `src/main.rs` and `src/bin/*.rs` are entry points)
 */
export async function extractSyntax(lang: SyntaxLanguage, text: string, path: string, relevant?: (chunk: string) => boolean, keep?: KeepFn): Promise<FileFacts> {
  const { Parser, language } = await loadSyntax(lang);
  let parser = parsers.get(lang);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(lang, parser);
  }
  const tree = parser.parse(relevant ? maskIrrelevant(lang, text, relevant) : text);
  if (!tree) return { facts: [], imports: [], parsed: false };
  const sink = new FactSink(keep);
  const ctx: WalkContext = { sink, imports: [], entry: lang === 'rust' && /(^|\/)src\/main\.rs$|(^|\/)src\/bin\/[^/]+\.rs$/.test(path), line: (n) => n.startPosition.row + 1, decls: [], loops: [], disc: new Map(), classUnions: [] };
  const handlers = HANDLERS[lang];
  const commentRows: Array<[number, number, number, number]> = [];
  const comments = COMMENT_TYPES[lang];
  const testRanges: Array<[number, number]> = [];
  try {
    const nodes = handledNodes(lang, language, tree.rootNode);
    if (lang === 'rust') {
      for (const n of nodes) {
        if (n.type === 'mod_item' && precededByAttr(n, /#\[cfg\(test\)\]/)) testRanges.push([n.startIndex, n.endIndex]);
      }
    }
    for (const n of nodes) {
      const type = n.type;
      if (comments.length && comments.includes(type)) {
        commentRows.push([n.startPosition.row, n.startPosition.column, n.endPosition.row, n.endPosition.column]);
        continue;
      }
      if (testRanges.length) sink.testRegion = testRanges.some(([s0, e0]) => n.startIndex >= s0 && n.startIndex < e0);
      handlers[type]?.(n, ctx);
    }
  } finally {
    tree.delete();
  }
  sink.testRegion = false;
  if (lang === 'rust') {
    // macro bodies (json!({...})) are token trees to the grammar: read their keys and tool
    // shapes from the code lines, with comments blanked
    const lines = text.split(/\r?\n/);
    for (const [sr, sc, er, ec] of commentRows) {
      for (let r = sr; r <= er; r++) {
        const from = r === sr ? sc : 0;
        const to = r === er ? ec : lines[r]!.length;
        lines[r] = lines[r]!.slice(0, from) + ' '.repeat(Math.max(0, to - from)) + lines[r]!.slice(to);
      }
    }
    lines.forEach((l, i) => {
      if (l.includes('"')) addKeys(sink, l, i + 1);
    });
    addToolDefs(sink, lines);
  }
  markLoops(ctx.decls, ctx.loops);
  for (const u of ctx.classUnions) {
    const values = u.members.map((m) => ctx.disc.get(m)).filter((v): v is string => !!v);
    if (values.length >= 2) sink.add('union', `${u.name}:${values.join('|')}`, u.line);
  }
  for (const d of ctx.decls) {
    d.n = flat(d.n);
    if (d.c) d.c = flat(d.c);
  }
  return { facts: sink.facts, imports: ctx.imports.map(flat), entry: ctx.entry, parsed: true, decls: ctx.decls };
}

/** Sets `loop` on the innermost function or method span holding each loop line. */
export function markLoops(decls: DeclSpan[], loops: number[]): void {
  for (const line of loops) {
    let best: DeclSpan | undefined;
    for (const d of decls) if (d.k !== 'c' && d.s <= line && line <= d.e && (!best || d.e - d.s < best.e - best.s)) best = d;
    if (best) best.loop = 1;
  }
}

const KEEP_ALWAYS: Record<SyntaxLanguage, RegExp> = {
  python: /^(?:import\s|from\s|if\s+__name__\s*==)/m,
  rust: /^(?:(?:pub(?:\([^)]*\))?\s+)?(?:use|mod|extern\s+crate)\s|fn\s+main\b)/m,
  go: /^(?:package|import)\b/m,
};

/**
 * Blanks the top-level statements (Python) or items (Rust, Go) in which `relevant` finds no
 * rubric stem, keeping every line break, so the parser skips most of a large file while line
 * numbers stay true. Imports, `mod`/`use`, `package` and the `__main__` guard are always kept.
 * A top-level unit starts at a line with no indentation (decorators, attributes and doc comments
 * join the unit they annotate); lines inside multi-line strings never start a unit. Removing
 * whole top-level units keeps the rest of the file syntactically valid.
 */
export function maskIrrelevant(lang: SyntaxLanguage, text: string, relevant: (chunk: string) => boolean): string {
  const lines = text.split('\n');
  // offset of each line in `text`, so a unit is one slice of the text (issue 16: no per-unit join)
  const offsets = new Array<number>(lines.length + 1);
  const starts: number[] = [];
  let inString = false;
  let pendingAnnot = false;
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    offsets[i] = at;
    at += l.length + 1;
    // a top-level line: not empty, not indented, not closing a bracket (`)`, `}`, `]`)
    const top = !inString && l.length > 0 && !/^[\s)}\]]/.test(l) && !(lang === 'python' && PY_CONTINUATION.test(l));
    if (top && !pendingAnnot) starts.push(i);
    if (top) pendingAnnot = lang === 'python' ? l.startsWith('@') : ANNOTATION.test(l);
    // multi-line strings: Python triple quotes, Rust/Go strings and raw strings left open
    if (lang === 'python') {
      if (l.includes('"""') || l.includes("\'\'\'")) {
        const n = (l.match(/"""|\'\'\'/g) ?? []).length;
        if (n % 2 === 1) inString = !inString;
      }
    } else if (lang === 'go') {
      if (l.includes('`') && (l.match(/`/g) ?? []).length % 2 === 1) inString = !inString;
    } else if (l.includes('"')) {
      const code = l.replace(/\\./g, '').replace(/'(?:[^'\\]|\\.)'/g, '');
      const quotes = (code.split('//')[0]!.match(/"/g) ?? []).length;
      if (quotes % 2 === 1) inString = !inString;
    }
  }
  offsets[lines.length] = at;
  const keep = KEEP_ALWAYS[lang];
  let out: string[] | undefined;
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : lines.length;
    // the unit's lines joined by their line breaks, as a slice of the text
    const chunk = text.slice(offsets[from], offsets[to]! - 1);
    if (keep.test(chunk) || relevant(chunk)) continue;
    out ??= lines.slice();
    for (let i = from; i < to; i++) out[i] = '';
  }
  // lines before the first unit (module docstring, comments) carry no facts
  return out ? out.join('\n') : text;
}
const PY_CONTINUATION = /^(?:else|elif|except|finally)\b/;
const ANNOTATION = /^(?:#\[|\/\/\/|\/\/!|\/\/)/;
