/**
 * Test data for the SPRINT format: fast-check arbitraries of canonical trajectories, an arbitrary of
 * messy format-like text, and a deterministic seeded generator for benchmarks.
 *
 * Generated text never looks like a tag, a `-----` separator, a `**Final Answer**` heading or a
 * "Based on" line (except well-formed ones that name executions of earlier rounds), so a generated
 * trajectory serializes and parses back to itself without diagnostics.
 */
import fc from "fast-check";
import { formatBasedOn, serializeTrajectory } from "../format";
import type { ExecRef, Execution, FinalAnswer, PlanChunk, Round, Trajectory } from "../types";

/** Words of generated text: mathy English, numbers, inline math. No `<`, no `**`, no dash runs. */
export const WORDS: readonly string[] = [
  "so", "the", "we", "need", "to", "find", "value", "of", "x", "let", "me", "check", "this", "again", "wait",
  "if", "then", "sum", "is", "equal", "which", "gives", "Therefore,", "Hmm,", "Okay,", "First,", "Next,",
  "compute", "factor", "divide", "by", "both", "sides", "and", "2", "3", "7", "12", "3.14", "0.5", "e.g.",
  "Fig.", "$x^2$", "$a+b$", "\\frac{1}{2}", "(mod", "5)", "x=4,", "y=-1.", "total", "maybe", "area", "triangle",
  "circle", "radius", "integer", "prime", "so:", "correct.", "right?", "Alternatively,", "answer", "result", "k",
  "n", "terms", "sequence", "f(x)", "\\sqrt{2}", "=", "+", "×", "≤", "equation", "root", "roots", "probability",
];

const wordArb = fc.constantFrom(...WORDS);

/** One line of 1–8 words. */
export const lineArb: fc.Arbitrary<string> = fc.array(wordArb, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));

/** Non-empty text: 1–3 paragraphs of 1–3 lines. */
export const textArb: fc.Arbitrary<string> = fc
  .array(fc.array(lineArb, { minLength: 1, maxLength: 3 }).map((l) => l.join("\n")), { minLength: 1, maxLength: 3 })
  .map((p) => p.join("\n\n"));

/** Text that may be empty. */
export const maybeTextArb: fc.Arbitrary<string> = fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 4, arbitrary: textArb });

interface ChunkShape {
  separatorBefore: boolean;
  text: string;
  /** Indices into the executions of earlier rounds, for a "Based on" line. */
  refPicks: number[];
  prompt: string;
  execution: string;
}

interface RoundShape {
  chunks: ChunkShape[];
  tail: { separatorBefore: boolean; text: string } | null;
}

const chunkShapeArb: fc.Arbitrary<ChunkShape> = fc.record({
  separatorBefore: fc.boolean(),
  text: maybeTextArb,
  refPicks: fc.array(fc.nat(), { maxLength: 3 }),
  prompt: fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 6, arbitrary: textArb }),
  execution: maybeTextArb,
});

const roundShapeArb: fc.Arbitrary<RoundShape> = fc.record({
  chunks: fc.array(chunkShapeArb, { maxLength: 4 }),
  tail: fc.option(fc.record({ separatorBefore: fc.boolean(), text: maybeTextArb }), { nil: null }),
});

function pickRefs(picks: readonly number[], earlier: readonly ExecRef[]): ExecRef[] {
  if (earlier.length === 0) return [];
  const out: ExecRef[] = [];
  for (const p of picks) {
    const r = earlier[p % earlier.length] as ExecRef;
    if (!out.some((o) => o.round === r.round && o.index === r.index)) out.push(r);
  }
  return out;
}

function withBasedOn(refs: readonly ExecRef[], text: string): string {
  const line = formatBasedOn(refs);
  if (line === "") return text;
  return text === "" ? line : `${line}\n${text}`;
}

function buildRounds(shapes: readonly RoundShape[]): Round[] {
  const earlier: ExecRef[] = [];
  return shapes.map((shape, i) => {
    const index = i + 1;
    const chunks: PlanChunk[] = [];
    const executions: Execution[] = [];
    shape.chunks.forEach((c, k) => {
      chunks.push({
        separatorBefore: c.separatorBefore,
        text: withBasedOn(pickRefs(c.refPicks, earlier), c.text),
        prompt: { index: k + 1, text: c.prompt },
      });
      executions.push({ index: k + 1, text: c.execution });
    });
    const tail = shape.tail;
    if (tail !== null && (tail.text !== "" || tail.separatorBefore)) chunks.push({ separatorBefore: tail.separatorBefore, text: tail.text });
    for (const e of executions) earlier.push({ round: index, index: e.index });
    return { index, chunks, executions };
  });
}

/** Options of {@link trajectoryArb}. */
export interface TrajectoryArbOptions {
  maxRounds?: number;
  /** Generate a question (sometimes). Default true. */
  withQuestion?: boolean;
}

/**
 * Canonical trajectories: rounds 1..n with 0–4 prompts each (0 = "No prompt to execute."), one
 * execution per prompt in order, random separators, "Based on" lines naming earlier executions,
 * prompt-less trailing chunks, an optional `<Final_answer>` (style "tag", never forced) and an
 * optional question. Every text is trimmed; no chunk is empty without a prompt or separator.
 */
export function trajectoryArb(opts: TrajectoryArbOptions = {}): fc.Arbitrary<Trajectory> {
  const question = opts.withQuestion === false ? fc.constant(null) : fc.option(textArb, { nil: null });
  return fc
    .record({
      question,
      rounds: fc.array(roundShapeArb, { maxLength: opts.maxRounds ?? 5 }),
      final: fc.option(fc.tuple(maybeTextArb, fc.integer({ min: -50, max: 500 })), { nil: null }),
    })
    .map(({ question: q, rounds, final }) => {
      const t: Trajectory = { rounds: buildRounds(rounds) };
      if (q !== null) t.question = q;
      if (final !== null) {
        const [text, value] = final;
        const answer: FinalAnswer = { text: `${text === "" ? "" : `${text}\n`}So the answer is \\boxed{${value}}.`, style: "tag" };
        t.finalAnswer = answer;
      }
      return t;
    });
}

/** Fragments that exercise every construct and repair of the parser. */
export const FORMAT_FRAGMENTS: readonly string[] = [
  "<Question>", "</Question>", "<think>", "</think>", "<Plan_1>", "</Plan_1>", "<Plan_2>", "</Plan_2>", "<Plan_7>",
  "<prompt_1.1>", "</prompt_1.1>", "<prompt_1.2>", "</prompt_1.2>", "<prompt_2.1>", "</prompt_2.1>", "<prompt_3>",
  "<Execution_1>", "</Execution_1>", "<Execution_2>", "</Execution_2>", "<execution_1.1>", "</execution_1.1>",
  "<execution_1.2>", "</execution_1.2>", "<execution_2.1>", "</execution_2.1>", "<Final_answer>", "</Final_answer>",
  "< Plan_1 >", "</ plan_2>", "<final answer>", "<Execution_1.1>", "-----", "---", "**Final Answer**", "**Final Answer:**",
  "No prompt to execute.", "no prompt to execute", "Based on execution_1.1, execution_1.2:", "Based on execution_2.1:",
  "Based on execution_9.9:", "\\boxed{4}", "\\boxed{", "}", "{", "\n", "\n", "\n\n", "\r\n", "\r", " ", "\t",
  "text", "more words", "x < y", "<", ">", "/", "_", "1", ".", ":", "*", "-", "\u00a0", "\ufeff", "<|begin_of_thought|>",
];

/** Messy format-like strings: concatenations of {@link FORMAT_FRAGMENTS} and random characters. */
export const formatishArb: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FORMAT_FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), {
    maxLength: 60,
  })
  .map((parts) => parts.join(""));

// ---------------------------------------------------------------------------------------------
// Deterministic generator (no fast-check)

/** mulberry32: a small, fast, seeded 32-bit PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTENCE_WORDS: readonly string[] = WORDS.filter((w) => /^[a-z0-9$\\]/.test(w));
const OPENERS: readonly string[] = ["So", "Then", "Now", "Hmm,", "Wait,", "Okay,", "Next,", "Let me", "Therefore,", "Alternatively,"];

/**
 * A canonical trajectory of about `approxChars` serialized characters (within ~5% from 8,000 up,
 * ~15% at 2,000; tiny sizes overshoot: there are always at least three rounds), the same for the
 * same seed. ~32,000 characters is about 8k tokens.
 * 3–11 rounds; 0–4 prompts per round (about one round in six has none); separators, "Based on"
 * lines, trailing plan text and a `\boxed{}` final answer. Plain JS PRNG, no fast-check.
 */
export function generateTrajectory(seed: number, approxChars: number): Trajectory {
  const first = buildGenerated(seed, approxChars, approxChars);
  const size = serializeTrajectory(first).length;
  if (size === 0 || Math.abs(size - approxChars) <= approxChars * 0.03) return first;
  // Same seed, same structure choices; text budgets corrected by the observed ratio.
  return buildGenerated(seed, approxChars, (approxChars * approxChars) / size);
}

function buildGenerated(seed: number, approxChars: number, budgetChars: number): Trajectory {
  // Two streams: structure (rounds, prompts, refs, separators) and words, so that a corrected text
  // budget keeps the same structure.
  const rand = mulberry32(seed);
  const wordRand = mulberry32(seed ^ 0x5bd1e995);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const wInt = (lo: number, hi: number): number => lo + Math.floor(wordRand() * (hi - lo + 1));
  const wPick = <T>(xs: readonly T[]): T => xs[Math.floor(wordRand() * xs.length)] as T;

  const sentence = (): string => {
    const words = [wPick(OPENERS)];
    const len = wInt(5, 16);
    for (let i = 0; i < len; i++) words.push(wPick(SENTENCE_WORDS));
    return `${words.join(" ")}.`;
  };
  /** Paragraphs of sentences, about `chars` characters (at least one sentence). */
  const text = (chars: number): string => {
    const paragraphs: string[] = [];
    let cur: string[] = [];
    let size = 0;
    do {
      const s = sentence();
      cur.push(s);
      size += s.length + 1;
      if (cur.length >= wInt(2, 6)) {
        paragraphs.push(cur.join(" "));
        cur = [];
      }
    } while (size < chars);
    if (cur.length > 0) paragraphs.push(cur.join(" "));
    return paragraphs.join("\n\n");
  };

  // Structure scales with the requested size (never with the corrected budget, so that both passes
  // of generateTrajectory draw the same structure).
  const maxRounds = Math.max(3, Math.min(11, Math.round(approxChars / 2500)));
  const maxPrompts = Math.max(1, Math.min(4, Math.round(approxChars / 4000)));
  const roundCount = int(3, maxRounds);
  const budget = Math.max(0, budgetChars - 120);
  const weights = Array.from({ length: roundCount }, () => 0.5 + rand());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const rounds: Round[] = [];
  const earlier: ExecRef[] = [];
  for (let r = 0; r < roundCount; r++) {
    const index = r + 1;
    const share = (budget * (weights[r] as number)) / weightSum;
    const prompts = rand() < 1 / 6 ? 0 : int(1, maxPrompts);
    const chunks: PlanChunk[] = [];
    const executions: Execution[] = [];
    const usable = Math.max(0, share - 40 - prompts * 75);
    const planShare = prompts === 0 ? usable : usable * 0.35;
    const perPlan = planShare / (prompts + 1);
    const perPrompt = prompts === 0 ? 0 : (usable * 0.1) / prompts;
    const perExec = prompts === 0 ? 0 : (usable * 0.55) / prompts;
    for (let k = 1; k <= prompts; k++) {
      const refs: ExecRef[] = [];
      if (earlier.length > 0 && rand() < 0.6) {
        const count = int(1, Math.min(3, earlier.length));
        for (let c = 0; c < count; c++) {
          const ref = pick(earlier);
          if (!refs.some((x) => x.round === ref.round && x.index === ref.index)) refs.push(ref);
        }
      }
      const separatorBefore = k > 1 && rand() < 0.4;
      const body = text(perPlan);
      chunks.push({ separatorBefore, text: withBasedOn(refs, body), prompt: { index: k, text: text(perPrompt) } });
      executions.push({ index: k, text: text(perExec) });
    }
    if (prompts === 0 || rand() < 0.5) {
      const separatorBefore = prompts > 0 && rand() < 0.3;
      chunks.push({ separatorBefore, text: text(perPlan) });
    }
    rounds.push({ index, chunks, executions });
    for (const e of executions) earlier.push({ round: index, index: e.index });
  }
  return {
    rounds,
    finalAnswer: { text: `${sentence()} So the answer is \\boxed{${wInt(0, 999)}}.`, style: "tag" },
  };
}
