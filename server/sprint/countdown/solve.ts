/**
 * Exact Countdown solver: combine the given numbers with + − × ÷ to reach the target.
 * Depth-first search over multisets of intermediate values, exact rational arithmetic, memoized
 * dead states. Returns a solution expression and the explored search tree (which the
 * chain-of-thought writer in trace.ts narrates). Pure.
 */
import { formatExpr, numExpr, type BinaryOp, type Expr } from "./expression";
import { add, compare, div, equals, formatRational, isInteger, mul, rational, sub, type Rational } from "./rational";

/** Rules of the game. Defaults follow Countdown as used by APR / TinyZero. */
export interface CountdownRules {
  /** Each given number must be used exactly once (default true). When false: at most once. */
  useAll?: boolean;
  /** Division must leave no remainder, so every intermediate is a whole number (default true). */
  exactDivision?: boolean;
  /** Intermediate values may be negative (default false: only a − b with a ≥ b). */
  allowNegative?: boolean;
}

/** Resolved rules with every field present. */
export type ResolvedRules = Required<CountdownRules>;

/** Fills in the defaults of {@link CountdownRules}. */
export function resolveRules(rules: CountdownRules = {}): ResolvedRules {
  return {
    useAll: rules.useAll ?? true,
    exactDivision: rules.exactDivision ?? true,
    allowNegative: rules.allowNegative ?? false,
  };
}

/** An intermediate value together with the expression that produced it. */
export interface Value {
  value: Rational;
  expr: Expr;
}

/** One combination of two values of a state. `a op b = result`. */
export interface Move {
  /** Indices of the two operands in the state they were taken from. */
  i: number;
  j: number;
  a: Value;
  op: BinaryOp;
  b: Value;
  result: Value;
}

/** A visited state of the search. The root (id 0) holds the given numbers. */
export interface SearchNode {
  id: number;
  parent: number | null;
  /** The move that turned the parent state into this one (absent at the root). */
  move?: Move;
  /** Remaining values (the move's result is last). */
  state: Value[];
  depth: number;
  /**
   * "solved": reaches the target; "dead-end": every continuation fails (or a final value ≠ target);
   * "known-dead": the same multiset was already shown to fail; "open": search stopped (a solution
   * was found elsewhere, or the node budget ran out) before finishing this node.
   */
  outcome: "solved" | "dead-end" | "known-dead" | "open";
  children: number[];
}

/** Result of {@link solveCountdown}. */
export interface SolveResult {
  solvable: boolean;
  /** The first solution found (search order), or null. */
  solution: Expr | null;
  /** `solution` printed in ASCII (`*`, `/`), or null. */
  expression: string | null;
  /** Explored nodes, root first; `tree[n.id] === n`. */
  tree: SearchNode[];
  /** Node ids from the root to the solved node (empty when unsolvable). */
  solutionPath: number[];
  /** States visited (including memo hits). */
  visited: number;
  /** True when `maxTreeNodes` stopped the recording of the tree (the search itself continues). */
  treeTruncated: boolean;
}

/** Options of {@link solveCountdown}. */
export interface SolveOptions extends CountdownRules {
  /** Reorders the legal moves of a state (e.g. heuristically or seeded); default: generation order. */
  order?: (moves: Move[], state: readonly Value[], depth: number) => Move[];
  /** Stop recording tree nodes after this many (default 200,000). */
  maxTreeNodes?: number;
}

function stateKey(values: readonly Value[]): string {
  return values
    .map((v) => formatRational(v.value))
    .sort()
    .join(",");
}

function combine(a: Value, op: BinaryOp, b: Value, value: Rational): Value {
  return { value, expr: { kind: "bin", op, left: a.expr, right: b.expr } };
}

/**
 * Legal moves from a state, deduplicated by operand values and operator. For each pair the larger
 * operand is written first; subtraction is `a − b` with a ≥ b (both orders when negatives are
 * allowed); division is listed in each direction that is legal under the rules.
 */
export function legalMoves(state: readonly Value[], rules: CountdownRules = {}): Move[] {
  const r = resolveRules(rules);
  const out: Move[] = [];
  const seen = new Set<string>();
  for (let x = 0; x < state.length; x++) {
    for (let y = x + 1; y < state.length; y++) {
      const vx = state[x] as Value;
      const vy = state[y] as Value;
      const [i, j, a, b] = compare(vx.value, vy.value) >= 0 ? [x, y, vx, vy] : [y, x, vy, vx];
      const push = (op: BinaryOp, l: Value, rr: Value, li: number, ri: number, value: Rational | null): void => {
        if (!value) return;
        if (r.exactDivision && !isInteger(value)) return;
        if (!r.allowNegative && value.num < 0n) return;
        const key = `${formatRational(l.value)}${op}${formatRational(rr.value)}`;
        if (seen.has(key)) return;
        seen.add(key);
        out.push({ i: li, j: ri, a: l, op, b: rr, result: combine(l, op, rr, value) });
      };
      push("+", a, b, i, j, add(a.value, b.value));
      push("*", a, b, i, j, mul(a.value, b.value));
      push("-", a, b, i, j, sub(a.value, b.value));
      if (r.allowNegative && !equals(a.value, b.value)) push("-", b, a, j, i, sub(b.value, a.value));
      push("/", a, b, i, j, div(a.value, b.value));
      if (!equals(a.value, b.value)) push("/", b, a, j, i, div(b.value, a.value));
    }
  }
  return out;
}

/** The state after a move: the two operands removed, the result appended. */
export function applyMove(state: readonly Value[], m: Move): Value[] {
  const next = state.filter((_, k) => k !== m.i && k !== m.j);
  next.push(m.result);
  return next;
}

/**
 * Solves a Countdown instance exactly. Deterministic for a given `order`.
 * With `useAll` the target must be the single value left after using every number; otherwise any
 * value formed (or given) equal to the target solves it.
 */
export function solveCountdown(numbers: readonly number[], target: number, opts: SolveOptions = {}): SolveResult {
  const rules = resolveRules(opts);
  const goal = rational(target);
  const maxTree = opts.maxTreeNodes ?? 200_000;
  const tree: SearchNode[] = [];
  let treeTruncated = false;
  let visited = 0;
  const dead = new Set<string>();
  let found: { expr: Expr; path: number[] } | null = null;

  const record = (node: Omit<SearchNode, "id" | "children">): number => {
    if (tree.length >= maxTree) {
      treeTruncated = true;
      return -1;
    }
    const id = tree.length;
    tree.push({ ...node, id, children: [] });
    if (node.parent !== null && node.parent >= 0) tree[node.parent]?.children.push(id);
    return id;
  };

  const root: Value[] = numbers.map((n) => ({ value: rational(n), expr: numExpr(n) }));

  const visit = (state: Value[], nodeId: number, path: number[]): boolean => {
    visited++;
    const node = nodeId >= 0 ? tree[nodeId] : undefined;
    const setOutcome = (o: SearchNode["outcome"]): void => {
      if (node) node.outcome = o;
    };
    // Goal test.
    if (rules.useAll) {
      if (state.length === 1) {
        const only = state[0] as Value;
        if (equals(only.value, goal)) {
          setOutcome("solved");
          found = { expr: only.expr, path };
          return true;
        }
        setOutcome("dead-end");
        return false;
      }
    } else {
      const hit = path.length === 1 ? state.find((v) => equals(v.value, goal)) : undefined;
      const last = state[state.length - 1];
      const hitLast = last && equals(last.value, goal) ? last : undefined;
      const win = hitLast ?? hit;
      if (win) {
        setOutcome("solved");
        found = { expr: win.expr, path };
        return true;
      }
      if (state.length === 1) {
        setOutcome("dead-end");
        return false;
      }
    }
    const key = stateKey(state);
    if (dead.has(key)) {
      setOutcome("known-dead");
      return false;
    }
    let moves = legalMoves(state, rules);
    if (opts.order) moves = opts.order(moves, state, path.length - 1);
    for (const m of moves) {
      const next = applyMove(state, m);
      const childId = nodeId >= 0 ? record({ parent: nodeId, move: m, state: next, depth: path.length, outcome: "open" }) : -1;
      if (visit(next, childId, [...path, childId])) return true;
    }
    dead.add(key);
    setOutcome("dead-end");
    return false;
  };

  const rootId = record({ parent: null, state: root, depth: 0, outcome: "open" });
  visit(root, rootId, [rootId]);
  const result = found as { expr: Expr; path: number[] } | null;
  return {
    solvable: result !== null,
    solution: result?.expr ?? null,
    expression: result ? formatExpr(result.expr, "ascii") : null,
    tree,
    solutionPath: result && !result.path.includes(-1) ? result.path : [],
    visited,
    treeTruncated,
  };
}

/** True when the instance has a solution under the rules (exhaustive search, no tree kept). */
export function isSolvable(numbers: readonly number[], target: number, rules: CountdownRules = {}): boolean {
  return solveCountdown(numbers, target, { ...rules, maxTreeNodes: 1 }).solvable;
}
