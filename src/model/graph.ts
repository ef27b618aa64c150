/**
 * The harness model's call graph in compressed sparse row form (issue 16: peak memory). Edges
 * are numbers in typed arrays, forward and reversed, instead of one array per declaration and
 * one `{ to, line }` object per edge: on three TypeScript monorepos side by side (33k
 * declarations, 99k edges) the arrays and objects held about 25 MB, the two row tables hold 1.9 MB.
 *
 * Order is part of the contract: a declaration's callees come in the order their edges were
 * added, its callers in the order of the callers' ids, then of the callers' edges (what pushing
 * every edge of every declaration, in id order, onto a per-callee list gave). The model's
 * breadth-first searches, and so its BFS parents and chains, depend on it.
 */
export class CallGraph {
  /** Declarations: ids are 0 to `size - 1`. */
  readonly size: number;
  /** Forward rows: the callees of `d` are `to[i]` (called at `line[i]`) for `start[d] <= i < start[d + 1]`. */
  private readonly start: Int32Array;
  private readonly to: Int32Array;
  private readonly line: Int32Array;
  /** Reverse rows: the callers of `d` are `from[i]` (calling at `fromLine[i]`) for `rstart[d] <= i < rstart[d + 1]`. */
  private readonly rstart: Int32Array;
  private readonly from: Int32Array;
  private readonly fromLine: Int32Array;

  private constructor(size: number, start: Int32Array, to: Int32Array, line: Int32Array, rstart: Int32Array, from: Int32Array, fromLine: Int32Array) {
    this.size = size;
    this.start = start;
    this.to = to;
    this.line = line;
    this.rstart = rstart;
    this.from = from;
    this.fromLine = fromLine;
  }

  /**
   * The graph of `size` declarations from edges in the order they were added: edge `i` goes from
   * `from[i]` to `to[i]`, called at `line[i]` (only the first `count` entries are read).
   */
  static of(size: number, count: number, from: ArrayLike<number>, to: ArrayLike<number>, line: ArrayLike<number>): CallGraph {
    // forward: the edges sorted stably by caller
    const [start, fTo, fLine] = rowsBy(size, count, from, to, line);
    // reverse: the forward rows in order, sorted stably by callee
    const fFrom = new Int32Array(count);
    for (let d = 0; d < size; d++) fFrom.fill(d, start[d]!, start[d + 1]!);
    const [rstart, rFrom, rLine] = rowsBy(size, count, fTo, fFrom, fLine);
    return new CallGraph(size, start, fTo, fLine, rstart, rFrom, rLine);
  }

  /** Number of edges. */
  get edges(): number {
    return this.to.length;
  }

  /** Calls `fn(callee, line)` for each edge out of `d`, in the order the edges were added. */
  eachCallee(d: number, fn: (to: number, line: number) => void): void {
    for (let i = this.start[d]!, end = this.start[d + 1]!; i < end; i++) fn(this.to[i]!, this.line[i]!);
  }

  /** Calls `fn(caller, line)` for each edge into `d`: by caller id, then in the caller's edge order. */
  eachCaller(d: number, fn: (from: number, line: number) => void): void {
    for (let i = this.rstart[d]!, end = this.rstart[d + 1]!; i < end; i++) fn(this.from[i]!, this.fromLine[i]!);
  }

  /** True when `d` calls `to`. */
  calls(d: number, to: number): boolean {
    for (let i = this.start[d]!, end = this.start[d + 1]!; i < end; i++) if (this.to[i] === to) return true;
    return false;
  }

  /** The callers of `d` as `[caller, line]` pairs, in `eachCaller` order (a new array each call). */
  callersOf(d: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.eachCaller(d, (from, line) => out.push([from, line]));
    return out;
  }
}

/**
 * A stable counting sort of `count` edges by `key` (a declaration id below `size`): the row
 * starts (`size + 1` entries: the edges of key `d` sit at `starts[d]` up to `starts[d + 1]`) and
 * the two payloads `a` and `b` in row order.
 */
function rowsBy(size: number, count: number, key: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): [Int32Array, Int32Array, Int32Array] {
  const starts = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) starts[key[i]! + 1]!++;
  for (let d = 0; d < size; d++) starts[d + 1]! += starts[d]!;
  const fill = starts.slice(0, size);
  const outA = new Int32Array(count);
  const outB = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const at = fill[key[i]!]!++;
    outA[at] = a[i]!;
    outB[at] = b[i]!;
  }
  return [starts, outA, outB];
}

/**
 * Collects edges in the order they are added, three numbers each in growing typed arrays, then
 * makes the `CallGraph` (issue 16).
 */
export class CallGraphBuilder {
  private count = 0;
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private line = new Int32Array(1024);

  /** Adds the edge `from` -> `to`, called at `line` (1-based). */
  add(from: number, to: number, line: number): void {
    if (this.count === this.from.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.from = grow(this.from);
      this.to = grow(this.to);
      this.line = grow(this.line);
    }
    this.from[this.count] = from;
    this.to[this.count] = to;
    this.line[this.count] = line;
    this.count++;
  }

  /** The graph of `size` declarations (every id added must be below it). */
  build(size: number): CallGraph {
    return CallGraph.of(size, this.count, this.from, this.to, this.line);
  }
}
