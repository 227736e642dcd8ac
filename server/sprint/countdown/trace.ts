/**
 * Writes a Countdown solver's search as (a) a sequential, natural-language chain-of-thought the way
 * a reasoning model would think out loud — restating the task, sizing up the target, trying
 * combinations, hitting dead ends, backtracking, finding the answer, verifying it, and ending with
 * `\boxed{}` — and (b) the ground-truth step DAG of that search in the Step/Dag model of steps.ts.
 *
 * Ground truth (what the curation pipeline's edge F1 is measured against):
 * - Step 1 restates the task (plan) and, in most traces, sizes up the target — factor pairs and the
 *   sum of the numbers (execution). It has no parents.
 * - Every other step but the last is one *line of attack*: a run of moves from a state down to a
 *   two-number check (dead end) or to the target. A line that starts from the given numbers has no
 *   parents, unless its text builds on step 1's factor pairs ("Since 80 = 8 × 10, …"), then it has
 *   [1]. A line that goes back to an intermediate state ("Going back to 38, 2 and 7, …") depends on
 *   the step that produced that state, and on nothing else (immediate parents only).
 * - The last step verifies the solution, replaying it move by move; it depends on the step that
 *   found the solution. Its comment line holds the `\boxed{}` answer.
 *
 * Lines: `lines` holds one sentence per entry and line n of a step's ranges is `lines[n - 1]`.
 * `reasoning` is these sentences joined by single spaces within a paragraph and blank lines between
 * paragraphs. Every sentence starts with a capital letter or a digit and contains no internal ". ",
 * "! ", "? ", newline or decimal point, so `splitSentences` of sequential.ts (what the curation
 * pipeline numbers lines with) recovers exactly `lines` — see {@link reasoningLines}.
 * Deterministic per seed; several phrasings per sentence kind are chosen by the seeded RNG.
 */
import { splitSentences } from "../sequential";
import type { Dag, Step } from "../steps";
import { formatExpr, type BinaryOp, type ExprStyle } from "./expression";
import { generateCountdownProblem, countdownQuestion, type CountdownProblem, type GenerateOptions } from "./generate";
import { createRng, type Rng } from "./random";
import { formatRational, isInteger, toNumber, type Rational } from "./rational";
import { legalMoves, resolveRules, solveCountdown, type CountdownRules, type Move, type SearchNode, type Value } from "./solve";

/** Options of {@link countdownTrace}. */
export interface TraceOptions extends CountdownRules {
  /** Seed of the phrasing and of the search order (default: the problem id). */
  seed?: number | string;
  /** Fewest and most dead-end checks narrated before the solution (default 1..6). */
  minDeadEnds?: number;
  maxDeadEnds?: number;
}

/** The chain-of-thought and ground truth of one problem. */
export interface CountdownTrace {
  /** The sequential chain-of-thought (paragraphs of sentences), ending with `\boxed{answer}`. */
  reasoning: string;
  /** One sentence per entry; step line ranges index into it (1-based). */
  lines: string[];
  /** A short reference solution whose last sentence holds `\boxed{}` (LaTeX operators). */
  solution: string;
  /** The solution expression, ASCII operators, e.g. "(25 + 13) * 2 + 4". */
  answer: string;
  /** Ground-truth steps in trace order (ids 1..n). */
  steps: Step[];
  /** Immediate parents of each step. */
  dag: Dag;
  /** Search statistics: states the guided solver visited, narrated states and dead ends. */
  search: { visited: number; narratedStates: number; deadEnds: number };
}

/** A generated Countdown record for datasets (tests, demo, curation accuracy). */
export interface CountdownRecord extends CountdownTrace {
  id: string;
  question: string;
  numbers: number[];
  target: number;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

interface Style {
  ops: ExprStyle;
  oxford: boolean;
}

function opSym(op: BinaryOp, st: Style): string {
  if (st.ops === "unicode") return op === "*" ? "×" : op === "/" ? "÷" : op;
  return op;
}

function v(r: Rational): string {
  return formatRational(r);
}

function listOf(items: readonly string[], st: Style): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0] ?? ""} and ${items[1] ?? ""}`;
  return `${items.slice(0, -1).join(", ")}${st.oxford ? "," : ""} and ${items[items.length - 1] ?? ""}`;
}

/** State values with the newest result first (reads like "38, 2 and 7"). */
function stateList(state: readonly Value[], st: Style): string {
  const vals = state.map((x) => v(x.value));
  const last = vals.pop();
  return listOf(last === undefined ? vals : [last, ...vals], st);
}

function moveEq(m: Move, st: Style): string {
  return `${v(m.a.value)} ${opSym(m.op, st)} ${v(m.b.value)} = ${v(m.result.value)}`;
}

/** "adding 25 and 13", "subtracting 13 from 25", "multiplying 25 by 2", "dividing 26 by 2". */
function opPhrase(m: Move): string {
  const a = v(m.a.value);
  const b = v(m.b.value);
  switch (m.op) {
    case "+":
      return `adding ${a} and ${b}`;
    case "-":
      return `subtracting ${b} from ${a}`;
    case "*":
      return `multiplying ${a} by ${b}`;
    case "/":
      return `dividing ${a} by ${b}`;
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function factorPairs(t: number): [number, number][] {
  const out: [number, number][] = [];
  for (let d = 2; d * d <= t; d++) if (t % d === 0) out.push([d, t / d]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Search order and narrated subset

function guidedOrder(rng: Rng, target: number): (moves: Move[]) => Move[] {
  const temperature = 0.3 + rng.next() * 1.5;
  return (moves) =>
    moves
      .map((m) => {
        const r = Math.abs(toNumber(m.result.value));
        const closeness = Math.abs(Math.log((r + 1) / (target + 1)));
        return { m, key: closeness + rng.next() * temperature };
      })
      .sort((x, y) => x.key - y.key)
      .map((x) => x.m);
}

/** First move (child of the root) above a node. */
function branchOf(tree: readonly SearchNode[], id: number): number {
  let cur = tree[id] as SearchNode;
  while (cur.parent !== null && cur.parent !== 0) cur = tree[cur.parent] as SearchNode;
  return cur.id;
}

function selectNarrated(tree: readonly SearchNode[], solutionPath: readonly number[], rng: Rng, k: number, useAll: boolean): { nodes: number[]; deadEnds: number[] } {
  const onPath = new Set(solutionPath);
  const candidates = tree.filter((n) => n.state.length === 2 && n.outcome === "dead-end" && !onPath.has(n.id) && n.children.length > 0);
  const perBranch = rng.int(1, 2);
  const byBranch = new Map<number, number[]>();
  for (const c of candidates) {
    const b = branchOf(tree, c.id);
    const list = byBranch.get(b) ?? [];
    if (list.length < perBranch) list.push(c.id);
    byBranch.set(b, list);
  }
  // Take whole branches in exploration order, skipping some at random so long searches stay short.
  const branches = [...byBranch.keys()].sort((a, b) => a - b);
  const keepProb = Math.min(1, (k + 1) / Math.max(1, branches.length));
  const deadEnds: number[] = [];
  for (const b of branches) {
    if (deadEnds.length >= k) break;
    if (!rng.chance(keepProb)) continue;
    for (const id of byBranch.get(b) ?? []) if (deadEnds.length < k) deadEnds.push(id);
  }
  const set = new Set<number>();
  const addWithAncestors = (id: number): void => {
    for (let cur: SearchNode | undefined = tree[id]; cur && cur.parent !== null; cur = cur.parent === null ? undefined : tree[cur.parent]) {
      set.add(cur.id);
    }
  };
  for (const d of deadEnds) addWithAncestors(d);
  // The solution path, without the final one-number leaf when every number must be used (the
  // final operation is narrated as part of the two-number check).
  const last = solutionPath[solutionPath.length - 1];
  const lastNode = last === undefined ? undefined : tree[last];
  const stop = useAll && lastNode && lastNode.state.length === 1 ? lastNode.parent : last;
  if (stop !== undefined && stop !== null) addWithAncestors(stop);
  return { nodes: [...set].sort((a, b) => a - b), deadEnds };
}

// ---------------------------------------------------------------------------------------------
// Trace writer

interface Para {
  sentences: string[];
}

interface StepDraft {
  description: string;
  prompt?: string;
  plan: string[];
  execution: string[];
  comment: string[];
  parents: number[];
}

/**
 * Writes the chain-of-thought and ground-truth DAG for one problem. Throws if the problem has no
 * solution under the rules or has fewer than 3 numbers.
 */
export function countdownTrace(problem: Pick<CountdownProblem, "numbers" | "target"> & { id?: string }, opts: TraceOptions = {}): CountdownTrace {
  const rules = resolveRules(opts);
  const { numbers, target } = problem;
  if (numbers.length < 3) throw new RangeError("countdownTrace needs at least 3 numbers");
  const rng = createRng(`trace/${String(opts.seed ?? problem.id ?? `${numbers.join(",")}->${target}`)}`);
  const st: Style = { ops: rng.chance(0.7) ? "unicode" : "ascii", oxford: rng.chance(0.4) };
  const result = solveCountdown(numbers, target, { ...rules, order: guidedOrder(rng.fork("order"), target), maxTreeNodes: 2_000_000 });
  if (!result.solvable || !result.solution || result.solutionPath.length < 2) {
    throw new Error(`Countdown problem [${numbers.join(", ")}] → ${target} has no solution under these rules`);
  }
  const tree = result.tree;
  const minD = opts.minDeadEnds ?? 1;
  const maxD = Math.max(minD, opts.maxDeadEnds ?? 6);
  const { nodes: narrated, deadEnds } = selectNarrated(tree, result.solutionPath, rng.fork("select"), rng.int(minD, maxD), rules.useAll);
  const solvedId = result.solutionPath[result.solutionPath.length - 1] as number;
  const nums = listOf(numbers.map(String), st);
  const T = String(target);
  const opsList = st.ops === "unicode" ? "+, -, × and ÷" : "+, -, * and /";

  const drafts: StepDraft[] = [];
  const paras: Para[] = [];

  // Step 1: restate the task, size up the target.
  const intro: string[] = [
    rng.pick([
      `Okay, so I need to make ${T} using the numbers ${nums}.`,
      `Alright, I have the numbers ${nums} and I need to reach ${T}.`,
      `Let me see, the goal is to combine ${nums} to get ${T}.`,
      `So the numbers are ${nums}, and the target is ${T}.`,
    ]),
    rules.useAll
      ? rng.pick([`Each number has to be used exactly once, with ${opsList}.`, `I must use every number exactly once, and I can use ${opsList}.`])
      : rng.pick([`Each number can be used at most once, with ${opsList}.`, `I don't have to use every number, but none can be used twice.`]),
  ];
  const withAnalysis = rng.chance(0.8);
  const analysis: string[] = [];
  const pairs = factorPairs(target);
  if (withAnalysis) {
    intro.push(rng.pick([`First, let me think about the target itself.`, `Let me start by looking at ${T} more closely.`, `It helps to look at how ${T} can be built.`]));
    if (pairs.length > 0) {
      const shown = pairs.map(([a, b]) => `${a} ${opSym("*", st)} ${b}`).join(" = ");
      analysis.push(rng.pick([`${T} = ${shown}.`, `As a product, ${T} = ${shown}.`]));
    } else {
      analysis.push(`${T} is prime, so it is not a product of two whole numbers bigger than 1.`);
    }
    const sum = numbers.reduce((s, x) => s + x, 0);
    const sumText = `${numbers.join(" + ")} = ${sum}`;
    analysis.push(
      sum < target
        ? rng.pick([`Adding everything gives ${sumText}, which is less than ${T}, so I will need a multiplication somewhere.`, `The sum of all the numbers is ${sumText}, short of ${T}, so some multiplication is needed.`])
        : sum === target
          ? `Adding everything gives ${sumText}, which is exactly ${T}.`
          : rng.pick([`Adding everything gives ${sumText}, which is more than ${T}, so subtraction or division has to come in.`, `The sum of all the numbers is ${sumText}, above ${T}, so I probably need to subtract or divide somewhere.`]),
    );
    const maxN = Math.max(...numbers);
    analysis.push(
      maxN >= target
        ? `The largest number, ${maxN}, is already ${maxN === target ? "equal to" : "bigger than"} ${T}.`
        : rng.pick([`The largest number is ${maxN}, so ${target - maxN} more is needed if I build on it.`, `Starting from the largest number, ${maxN}, I would still need ${target - maxN} more.`]),
    );
  }
  drafts.push({
    description: withAnalysis ? `Restate the task and size up ${T}` : "Restate the task",
    ...(withAnalysis ? { prompt: `List the factor pairs of ${T}, add up ${numbers.join(", ")} and compare the sum and the largest number with ${T}.` } : {}),
    plan: intro,
    execution: analysis,
    comment: [],
    parents: [],
  });
  paras.push({ sentences: [...intro, ...analysis] });

  // Lines of attack.
  const stepOfNode = new Map<number, number>(); // search node id → step id (1-based)
  let prevNode = -1;
  let current: StepDraft | null = null;
  let rootLines = 0;
  let deadEndsWritten = 0;
  const solvedNode = tree[solvedId] as SearchNode;
  const checkNode = rules.useAll && solvedNode.state.length === 1 ? solvedNode.parent : null;

  const flush = (): void => {
    if (current) {
      drafts.push(current);
      paras.push({ sentences: [...current.plan, ...current.execution, ...current.comment] });
      current = null;
    }
  };

  for (const id of narrated) {
    const node = tree[id] as SearchNode;
    const move = node.move as Move;
    const parentId = node.parent ?? 0;
    const parentNode = tree[parentId] as SearchNode;
    const continues = current !== null && parentId === prevNode;
    if (!continues) {
      flush();
      const draft: StepDraft = { description: "", plan: [], execution: [], comment: [], parents: [] };
      const eq = moveEq(move, st);
      const r = move.result.value;
      if (parentId === 0) {
        const rv = toNumber(r);
        const useFactor = withAnalysis && isInteger(r) && rv > 1 && rv < target && target % rv === 0 && rng.chance(0.8);
        if (useFactor) {
          draft.plan.push(
            rng.pick([
              `Since ${T} = ${v(r)} ${opSym("*", st)} ${target / rv}, maybe I can make ${v(r)} first.`,
              `${T} is ${v(r)} times ${target / rv}, so let me see if I can build a ${v(r)}.`,
              `Using the factor pair ${v(r)} and ${target / rv} from before, let me try to get ${v(r)}.`,
            ]),
          );
          draft.parents.push(1);
        } else if (rootLines === 0) {
          draft.plan.push(rng.pick([`Let me start with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`, `Let me try ${opPhrase(move)} first.`, `A natural first move is ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`]));
        } else {
          draft.plan.push(
            rng.pick([
              `Alternatively, let me start with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`,
              `Let me try something different and start by ${opPhrase(move)}.`,
              `What if I begin with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)} instead?`,
              `Another idea is to start from ${v(move.a.value)} and ${v(move.b.value)}.`,
            ]),
          );
        }
        rootLines++;
        draft.description = `Try starting with ${formatExpr(move.result.expr, "ascii")}`;
        draft.prompt = `Starting from ${numbers.join(", ")}, compute ${formatExpr(move.result.expr, "ascii")} and check whether the remaining numbers can reach ${T}.`;
      } else {
        const from = stepOfNode.get(parentId);
        if (from !== undefined) draft.parents.push(from);
        const vals = stateList(parentNode.state, st);
        draft.plan.push(
          rng.pick([
            `Going back to ${vals}, what if I try ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)} instead?`,
            `Let me go back to having ${vals} and combine ${v(move.a.value)} and ${v(move.b.value)} differently.`,
            `Back to ${vals} from before: maybe ${opPhrase(move)} works better.`,
            `Hmm, from ${vals} there are other options, like ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`,
          ]),
        );
        draft.description = `From ${parentNode.state.map((x) => v(x.value)).join(", ")}, try ${v(move.a.value)} ${move.op} ${v(move.b.value)}`;
        draft.prompt = `Starting from ${parentNode.state.map((x) => v(x.value)).join(", ")}, compute ${v(move.a.value)} ${move.op} ${v(move.b.value)} and check whether the remaining numbers can reach ${T}.`;
      }
      draft.execution.push(rng.pick([`${cap(eq)}.`, `That gives ${eq}.`, `So ${eq}.`]));
      current = draft;
    } else {
      (current as StepDraft).execution.push(
        rng.pick([`Then ${moveEq(move, st)}.`, `Next, ${moveEq(move, st)}.`, `Now ${moveEq(move, st)}.`]),
      );
    }
    const cur = current as StepDraft;
    stepOfNode.set(id, drafts.length + 1);
    prevNode = id;

    // After each move: what is left, and the check when two numbers remain.
    if (node.state.length >= 2) {
      cur.execution.push(rng.pick([`That leaves ${stateList(node.state, st)}.`, `Now I have ${stateList(node.state, st)}.`, `Remaining: ${stateList(node.state, st)}.`]));
    }
    if (!rules.useAll && id === solvedId) {
      cur.comment.push(rng.pick([`That's ${T}, the target!`, `That hits ${T} exactly.`]));
      continue;
    }
    const isLeafOfNarration = !narrated.some((n) => tree[n]?.parent === id);
    if (node.state.length === 2 && isLeafOfNarration) {
      const [x, y] = [node.state[1] as Value, node.state[0] as Value].sort((p, q) => toNumber(q.value) - toNumber(p.value)) as [Value, Value];
      const X = v(x.value);
      const Y = v(y.value);
      const moves = legalMoves(node.state, rules);
      if (id === checkNode) {
        const win = solvedNode.move as Move;
        const tried = node.children.filter((c) => c < solvedId).map((c) => (tree[c] as SearchNode).move as Move);
        if (tried.length > 0) {
          cur.execution.push(`${cap(tried.map((m) => moveEq(m, st)).join(", "))}, not ${T}.`);
        }
        cur.execution.push(rng.pick([`But ${moveEq(win, st)}.`, `And ${moveEq(win, st)}.`, `${cap(moveEq(win, st))}.`].slice(tried.length > 0 ? 0 : 2)));
        cur.comment.push(rng.pick([`That's exactly ${T}!`, `That works!`, `Yes, that hits ${T}.`, `There it is, ${T}.`]));
      } else {
        const basic = moves.filter((m) => m.op !== "/");
        cur.execution.push(`${cap(basic.map((m) => moveEq(m, st)).join(", "))}.`);
        const divs = moves.filter((m) => m.op === "/");
        const bigDiv = divs.find((m) => v(m.a.value) === X);
        cur.execution.push(
          bigDiv
            ? `${cap(moveEq(bigDiv, st))}.`
            : rng.pick([`${X} ${opSym("/", st)} ${Y} is not a whole number.`, `Dividing ${X} by ${Y} doesn't come out even.`]),
        );
        const results = moves.map((m) => toNumber(m.result.value));
        const near = results.filter((r) => Math.abs(r - target) <= Math.max(2, target * 0.05) && r !== target);
        cur.comment.push(
          near.length > 0
            ? rng.pick([`Close, ${near[0]} is only ${Math.abs((near[0] ?? 0) - target)} away from ${T}, but not there.`, `So close with ${near[0]}, but it is not ${T}.`])
            : rng.pick([`None of these is ${T}.`, `No luck, none of these gives ${T}.`, deadEndsWritten > 0 ? `That doesn't work either.` : `That doesn't work.`, `Dead end.`, `Nothing here reaches ${T}.`]),
        );
        deadEndsWritten++;
      }
    }
  }
  flush();
  const solutionStep = stepOfNode.get(checkNode ?? solvedId) ?? drafts.length;

  // Verification.
  const pathMoves = result.solutionPath.slice(1).map((id) => (tree[id] as SearchNode).move as Move);
  const unicodeExpr = formatExpr(result.solution, st.ops === "unicode" ? "unicode" : "ascii").replace(/−/g, "-");
  const verifyPlan = [rng.pick([`Let me verify this.`, `Let me double-check the whole thing.`, `Let me check this carefully.`, `Before answering, let me verify.`])];
  const verifyExec = [
    ...pathMoves.map((m, i) => `${i === 0 ? "" : rng.pick(["Then ", "Next, ", ""])}${i === 0 ? cap(moveEq(m, st)) : moveEq(m, st)}.`),
    `So ${unicodeExpr} = ${T}.`,
    rules.useAll
      ? rng.pick([`It uses ${nums}, each exactly once.`, `Every number, ${nums}, is used exactly once.`])
      : `No number is used more than once.`,
  ];
  const verifyComment = [rng.pick([`So the answer is \\boxed{${unicodeExpr}}.`, `Therefore the final answer is \\boxed{${unicodeExpr}}.`, `The answer is \\boxed{${unicodeExpr}}.`])];
  drafts.push({
    description: "Verify the solution",
    prompt: `Verify that ${formatExpr(result.solution, "ascii")} equals ${T} and uses each of ${numbers.join(", ")} ${rules.useAll ? "exactly" : "at most"} once.`,
    plan: verifyPlan,
    execution: verifyExec,
    comment: verifyComment,
    parents: [solutionStep],
  });
  paras.push({ sentences: [...verifyPlan, ...verifyExec, ...verifyComment] });

  // Number lines and build steps.
  const lines: string[] = [];
  const steps: Step[] = [];
  const dag: Record<number, number[]> = {};
  drafts.forEach((d, i) => {
    const id = i + 1;
    const range = (part: string[]): [number, number] | undefined => {
      if (part.length === 0) return undefined;
      const start = lines.length + 1;
      lines.push(...part);
      return [start, lines.length];
    };
    const planLines = range(d.plan);
    const executionLines = range(d.execution);
    const commentLines = range(d.comment);
    const step: Step = {
      id,
      description: d.description,
      plan: d.plan.join(" "),
      ...(d.execution.length > 0 ? { execution: d.execution.join(" ") } : {}),
      ...(d.execution.length > 0 && d.prompt ? { prompt: d.prompt } : {}),
      ...(d.comment.length > 0 ? { comment: d.comment.join(" ") } : {}),
      ...(planLines ? { planLines } : {}),
      ...(executionLines ? { executionLines } : {}),
      ...(commentLines ? { commentLines } : {}),
    };
    steps.push(step);
    dag[id] = [...new Set(d.parents)].sort((a, b) => a - b);
  });
  const reasoning = paras.map((p) => p.sentences.join(" ")).join("\n\n");
  const latex = formatExpr(result.solution, "latex");
  const solution =
    `${cap(pathMoves.map((m) => moveEq(m, { ops: "unicode", oxford: false })).join(", "))}. ` +
    `Each of ${listOf(numbers.map(String), { ops: "unicode", oxford: false })} is used ${rules.useAll ? "exactly" : "at most"} once, so the answer is \\boxed{${latex}}.`;
  return {
    reasoning,
    lines,
    solution,
    answer: result.expression ?? formatExpr(result.solution, "ascii"),
    steps,
    dag,
    search: { visited: result.visited, narratedStates: narrated.length, deadEnds: deadEnds.length },
  };
}

/**
 * The numbered lines of a reasoning text: its sentences as `splitSentences` (sequential.ts, the
 * curation pipeline's splitter) cuts them. For a text written by {@link countdownTrace} this is
 * exactly its `lines`.
 */
export function reasoningLines(reasoning: string): string[] {
  return splitSentences(reasoning).map((s) => s.text);
}

/** Options of {@link countdownDataset}. */
export interface DatasetOptions extends GenerateOptions, Omit<TraceOptions, "seed" | keyof CountdownRules> {}

/**
 * Yields `n` Countdown records for `seed`: problem i is {@link generateCountdownProblem}(seed, i),
 * its trace is seeded by the problem id. Deterministic; record i does not depend on n.
 */
export function* countdownDataset(seed: number | string, n: number, opts: DatasetOptions = {}): Generator<CountdownRecord> {
  for (let i = 0; i < n; i++) {
    const p = generateCountdownProblem(seed, i, opts);
    const trace = countdownTrace(p, { ...opts, seed: p.id });
    yield { id: p.id, question: countdownQuestion(p.numbers, p.target, opts), numbers: p.numbers, target: p.target, ...trace };
  }
}
