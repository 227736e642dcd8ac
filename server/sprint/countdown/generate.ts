/**
 * Seeded generator of Countdown problems (licence-clean data for tests, the demo and curation
 * accuracy measurements). A problem is a list of numbers and a target reachable under the rules:
 * the generator builds a random expression over the numbers, takes its value as the target when it
 * lies in range, and confirms it with the exact solver. Pure and deterministic per seed.
 */
import { createRng, type Rng } from "./random";
import { applyMove, legalMoves, resolveRules, solveCountdown, type CountdownRules, type Value } from "./solve";
import { numExpr } from "./expression";
import { rational, toNumber } from "./rational";

/** A Countdown instance. */
export interface CountdownProblem {
  /** Stable id: `cd-{seed}-{index}`. */
  id: string;
  numbers: number[];
  target: number;
}

/** Options of the generator. */
export interface GenerateOptions extends CountdownRules {
  /** How many numbers per problem (default 4). */
  count?: number;
  /** Smallest and largest given number (default 1..99). */
  min?: number;
  max?: number;
  /** Target range (default 10..100). */
  targetMin?: number;
  targetMax?: number;
  /** Reject problems where the target is one of the given numbers (default true). */
  targetNotGiven?: boolean;
  /** Attempts per problem before giving up (default 10,000). */
  maxTries?: number;
}

function randomTarget(rng: Rng, numbers: number[], rules: Required<CountdownRules>): number | null {
  let state: Value[] = numbers.map((n) => ({ value: rational(n), expr: numExpr(n) }));
  const stopAt = rules.useAll ? 1 : rng.int(1, numbers.length - 1);
  while (state.length > stopAt) {
    const moves = legalMoves(state, rules);
    if (moves.length === 0) return null;
    const m = rng.pick(moves);
    state = applyMove(state, m);
  }
  const last = state[state.length - 1];
  if (!last || last.value.den !== 1n) return null;
  return toNumber(last.value);
}

/**
 * The problem at position `index` of the stream for `seed` (independent of other indices, so a
 * dataset can be extended without changing earlier problems). Throws when no problem satisfying
 * the options is found within `maxTries`.
 */
export function generateCountdownProblem(seed: number | string, index: number, opts: GenerateOptions = {}): CountdownProblem {
  const rules = resolveRules(opts);
  const count = opts.count ?? 4;
  const min = opts.min ?? 1;
  const max = opts.max ?? 99;
  const tMin = opts.targetMin ?? 10;
  const tMax = opts.targetMax ?? 100;
  const maxTries = opts.maxTries ?? 10_000;
  if (count < 2) throw new RangeError("count must be at least 2");
  if (min < 1 || max < min || tMax < tMin) throw new RangeError("bad number or target range");
  const rng = createRng(`countdown/${String(seed)}/${index}`);
  for (let t = 0; t < maxTries; t++) {
    const numbers = Array.from({ length: count }, () => rng.int(min, max));
    const target = randomTarget(rng, numbers, rules);
    if (target === null || target < tMin || target > tMax) continue;
    if ((opts.targetNotGiven ?? true) && numbers.includes(target)) continue;
    if (!solveCountdown(numbers, target, { ...rules, maxTreeNodes: 1 }).solvable) continue;
    return { id: `cd-${String(seed)}-${index}`, numbers, target };
  }
  throw new Error(`no Countdown problem found in ${maxTries} tries (seed ${String(seed)}, index ${index})`);
}

/** `n` problems for `seed` (problem i is {@link generateCountdownProblem}(seed, i)). */
export function generateCountdown(seed: number | string, n: number, opts: GenerateOptions = {}): CountdownProblem[] {
  return Array.from({ length: n }, (_, i) => generateCountdownProblem(seed, i, opts));
}

/** The Countdown question text shown to a model (our own wording). */
export function countdownQuestion(numbers: readonly number[], target: number, rules: CountdownRules = {}): string {
  const r = resolveRules(rules);
  const use = r.useAll ? "Each number must be used exactly once" : "Each number may be used at most once";
  const div = r.exactDivision ? " Division is allowed only when it leaves no remainder." : "";
  return (
    `Using the numbers [${numbers.join(", ")}], write an arithmetic expression that equals ${target}. ` +
    `You may use +, -, * and / and parentheses. ${use}.${div} ` +
    `Put the final expression in \\boxed{}.`
  );
}
