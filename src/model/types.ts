import type { LandmarkId } from '../rubric/schema.js';
import type { ActiveFramework } from './frameworks.js';
import type { CallGraph } from './graph.js';

/**
 * The harness model (issue 11; STYLE.md "model" stage): names, spans and edges, never syntax
 * trees. Built from the facts of every front end, so it is the same for TypeScript, Python,
 * Rust and Go.
 */

/** A declaration node of the call graph. Module nodes stand for a file's top-level code. */
export interface ModelDecl {
  /** Index in `HarnessModel.decls`. */
  id: number;
  file: string;
  name: string;
  /** `f` function, `m` method, `c` class/struct (never a caller), `module` a file's top level. */
  kind: 'f' | 'm' | 'c' | 'module';
  /** First and last line, 1-based inclusive (a module spans its file). */
  start: number;
  end: number;
  /** Class / impl / receiver type of a method. */
  container?: string;
  /** The body has a loop statement of its own. */
  loop: boolean;
  /** In a test file or test region. */
  test: boolean;
  family: string;
}

/** A landmark site: a fact that matched a landmark signal, with its enclosing declaration. */
export interface Site {
  landmark: LandmarkId;
  file: string;
  line: number;
  /** The matched fact's value (e.g. `this.client.messages.create`). */
  value: string;
  /** Enclosing declaration id (a module node for top-level code). */
  decl: number;
}

/** Why a declaration was chosen as an agent loop. */
export interface LoopInfo {
  decl: number;
  /** Call-graph hops from the loop to a model call and to tool execution (0 = itself). */
  toModel: number;
  toTools: number | null;
}

/**
 * The model of one repository.
 * - `loops`: the agent loop(s): declarations that call the model and reach tool execution, with
 *   the fewest hops (a loop statement or recursion breaks ties);
 * - `fromLoop`: declarations reachable from a loop (hops), with BFS parents for chains;
 * - `toolPath` / `modelPath`: the declarations reachable from a loop that reach tool execution /
 *   a model call;
 * - `hopLine`: for a model-path declaration, the first line that leads to the model call;
 * - `beforeModel`: declarations called from a model-path declaration before that line;
 * - `toolImpl`: tool implementations (reached from tool execution) and declarations in files
 *   that define tools;
 * - `shellPath`: harness declarations that lead to a shell execution, and their callees;
 * - `fromEntry`: declarations reachable from entry points.
 */
export interface HarnessModel {
  decls: ModelDecl[];
  /** The call graph over `decls` ids (typed-array rows, issue 16). */
  graph: CallGraph;
  sites: Record<LandmarkId, Site[]>;
  loops: LoopInfo[];
  fromLoop: Map<number, number>;
  /** Hops from a declaration to tool execution (or a tool-call read) and to a model call. */
  toToolsDist: Map<number, number>;
  toModelDist: Map<number, number>;
  /** Hops from the primary loop (the first of `loops`) only: evidence near it is read first. */
  fromPrimary: Map<number, number>;
  parent: Map<number, number>;
  toolPath: Set<number>;
  modelPath: Set<number>;
  hopLine: Map<number, number>;
  beforeModel: Set<number>;
  toolImpl: Set<number>;
  /** Harness declarations on a call path to a shell execution, and what they call (relation `shell-path`). */
  shellPath: Set<number>;
  /** Agent frameworks the app is built on (their run calls are loop landmarks). */
  frameworks: ActiveFramework[];
  fromEntry: Set<number>;
  /** BFS parents of `fromEntry`, for entry -> loop chains. */
  entryParent: Map<number, number>;
  entries: number[];
  /** Files of the agent loops and the files they import. */
  loopModules: Set<string>;
  /** Callers of a declaration: [caller id, line of the call]. */
  callersOf(id: number): Array<[number, number]>;
  /** Methods declared in `file` whose container is `name` (a class, struct or impl). */
  methodsOf(file: string, name: string): number[];
  /**
   * Import hops from a test file to code the harness uses (within three hops, or a shared Go
   * package: 1): 0-3, plus 10 when that code is outside the loop's own modules;
   * undefined when it reaches none. `testsHarness` is `testDistance(file) !== undefined`.
   */
  testDistance(file: string): number | undefined;
  testsHarness(file: string): boolean;
  /** Innermost function or method (or the module node) holding `line` of `file`; -1 for an unknown file. */
  enclosing(file: string, line: number): number;
  /** Declarations declared at `line` of `file` with that name (decl/member facts). */
  declaredAt(file: string, line: number, name: string): number | undefined;
}
