/**
 * `npm run bench:grade` — grading throughput and golden-table agreement.
 *
 * 1. Agreement: every case of server/sprint/fixtures/grading-golden.json graded; prints agreed/total per
 *    kind and lists disagreements.
 * 2. Throughput (answers/s), measured in this run on:
 *    a. the golden responses (short answers: extraction + equivalence only), repeated to --n answers;
 *    b. long R1-style responses (~8k tokens of reasoning with re-checks, then a boxed answer), so the
 *       extraction scan over the whole text is included;
 *    c. (b) plus the paper's token metrics with the approx tokenizer (what `sprint grade` does per output).
 * Options: --n N (default 20,000 short answers), --long N (default 500 long responses).
 */
import os from "node:os";
import table from "../server/sprint/fixtures/grading-golden.json";
import { goldenTableSchema, goldenTask, runGoldenCase } from "../server/sprint/grading-golden";
import { grade } from "../server/sprint/grading";
import { gradeOutput } from "../server/sprint/benchmark";
import { approxTokenizer } from "../server/sprint/tokenizer";
import { option } from "./harness";


const golden = goldenTableSchema.parse(table);
const n = option("n", 20_000);
const nLong = option("long", 500);

// 1. agreement
const byKind = new Map<string, { agree: number; total: number }>();
const misses: string[] = [];
for (const c of golden.cases) {
  const r = runGoldenCase(c);
  const k = byKind.get(c.kind) ?? { agree: 0, total: 0 };
  k.total++;
  if (r.agrees) k.agree++;
  else misses.push(`  ${c.kind}: ${c.note} — expected ${c.expected}, got ${r.result.verdict} (${r.result.reason})`);
  byKind.set(c.kind, k);
}
const agree = [...byKind.values()].reduce((s, k) => s + k.agree, 0);
console.log(`grading bench — node ${process.version}, ${os.cpus().length} CPUs`);
console.log(`golden-table agreement: ${agree}/${golden.cases.length} (${((100 * agree) / golden.cases.length).toFixed(1)}%)`);
for (const [kind, k] of byKind) console.log(`  ${kind.padEnd(10)} ${k.agree}/${k.total}`);
for (const m of misses) console.log(m);

// 2a. short answers
const tasks = golden.cases.map(goldenTask);
let t0 = performance.now();
let correct = 0;
for (let i = 0; i < n; i++) {
  const { task, response } = tasks[i % tasks.length]!;
  if (grade(task, response).verdict === "correct") correct++;
}
const shortMs = performance.now() - t0;

// 2b/2c. long R1-style responses
const words = "so the next case gives us a remainder of seven, wait let me re-check that: the sum over both branches is".split(" ");
function longResponse(i: number): string {
  const parts: string[] = ["<think>"];
  for (let p = 0; p < 60; p++) {
    const sentence = Array.from({ length: 80 }, (_, k) => words[(i + p * 7 + k) % words.length]).join(" ");
    parts.push(p % 9 === 4 ? `${sentence}. Hmm, maybe $\\frac{${p + 1}}{${p + 2}}$? No.` : `${sentence}.`);
  }
  parts.push("</think>", `**Final Answer**\n\\boxed{\\frac{${i % 17 + 1}}{${(i % 5) + 2}}}`);
  return parts.join("\n\n");
}
const longs = Array.from({ length: nLong }, (_, i) => longResponse(i));
const item = (i: number) => ({ id: `p${i}`, kind: "math" as const, question: "q", answer: `\\dfrac{${i % 17 + 1}}{${(i % 5) + 2}}` });
t0 = performance.now();
let longCorrect = 0;
for (let i = 0; i < nLong; i++) if (grade({ kind: "math", reference: item(i).answer }, longs[i]!).verdict === "correct") longCorrect++;
const longMs = performance.now() - t0;
t0 = performance.now();
let tokens = 0;
for (let i = 0; i < nLong; i++) tokens += gradeOutput(item(i), longs[i]!, approxTokenizer).sequentialTokens;
const longMetricsMs = performance.now() - t0;

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString("en-US")} answers/s`;
console.log(`short answers (golden responses ×${Math.ceil(n / tasks.length)}): ${n} in ${shortMs.toFixed(0)} ms — ${rate(n, shortMs)} (${correct} correct)`);
console.log(`long responses (~${Math.round(tokens / nLong)} approx tokens each): ${nLong} in ${longMs.toFixed(0)} ms — ${rate(nLong, longMs)} (${longCorrect}/${nLong} correct)`);
console.log(`long responses + paper token metrics (approx tokenizer): ${nLong} in ${longMetricsMs.toFixed(0)} ms — ${rate(nLong, longMetricsMs)}`);
console.log(`ratio short/long: ${(n / shortMs / (nLong / longMs)).toFixed(1)}×`);
if (agree !== golden.cases.length) process.exitCode = 1;
