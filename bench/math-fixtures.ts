/**
 * Hand-written, hand-annotated R1-style math traces (bench/fixtures/math/*.txt) for `npm run
 * bench:curation-math` and the heuristic's unit tests.
 *
 * File format (plain text, one trace per file):
 * ```
 * # question
 * Let $m$ and $n$ be …
 * # answer
 * 17
 * # trace
 * @1 plan
 * Okay, so I need to find …
 * @1 exec
 * …
 * @2 plan <- 1
 * …
 * @2 exec
 * …
 * @2 comment
 * …
 * ```
 * Each `@id part` header opens a block (`part` = plan | exec | comment) of step `id`; `<- a b` lists the
 * step's immediate parents (on any of its headers). Blocks are paragraphs: the reasoning is the blocks'
 * texts joined by a blank line — except a block whose part is followed by `~` (`@2 exec~`), which
 * continues the previous block's paragraph (joined by a single line break, no blank line), as R1 often writes a plan and its work. The annotated line ranges are found by splitting that reasoning with
 * the product's own `splitSentences` and assigning each sentence to the block it starts in, so they
 * are exactly the lines the curation pipeline numbers.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { splitSentences } from "../server/sprint/sequential";
import type { Dag, LineRange, Step } from "../server/sprint/steps";

export interface MathFixture {
  name: string;
  question: string;
  answer: string;
  reasoning: string;
  /** The numbered lines (splitSentences of the reasoning). */
  lines: string[];
  /** Ground truth: steps with line ranges and texts, and the immediate-parent DAG. */
  steps: Step[];
  dag: Dag;
}

type Part = "plan" | "exec" | "comment";

const HEADER = /^@(\d+)\s+(plan|exec|comment)(~?)\s*(?:<-\s*([\d\s,]*))?$/;

export const MATH_FIXTURE_DIR = path.join(import.meta.dirname, "fixtures", "math");

/** Parses one fixture file. Throws with the file name and line on any format error. */
export function parseMathFixture(name: string, text: string): MathFixture {
  const sections = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^# (question|answer|trace)\s*$/.exec(line);
    if (m) {
      cur = [];
      sections.set(m[1] as string, cur);
    } else if (cur) cur.push(line);
  }
  const question = (sections.get("question") ?? []).join("\n").trim();
  const answer = (sections.get("answer") ?? []).join("\n").trim();
  const body = sections.get("trace");
  if (!question || !body) throw new Error(`${name}: needs "# question" and "# trace" sections`);

  const blocks: { id: number; part: Part; text: string; joined: boolean }[] = [];
  const parents = new Map<number, Set<number>>();
  let block: { id: number; part: Part; lines: string[]; joined: boolean } | null = null;
  const flush = () => {
    if (!block) return;
    const t = block.lines.join("\n").trim();
    if (t === "") throw new Error(`${name}: empty block @${block.id} ${block.part}`);
    blocks.push({ id: block.id, part: block.part, text: t, joined: block.joined });
  };
  body.forEach((line, i) => {
    const h = HEADER.exec(line.trim());
    if (h) {
      flush();
      const id = Number(h[1]);
      block = { id, part: h[2] as Part, lines: [], joined: h[3] === "~" };
      const set = parents.get(id) ?? new Set<number>();
      for (const p of (h[4] ?? "").split(/[\s,]+/).filter((x) => x !== "")) set.add(Number(p));
      parents.set(id, set);
    } else if (line.trim().startsWith("@")) {
      throw new Error(`${name}: bad header at trace line ${i + 1}: ${line}`);
    } else if (block) (block as { lines: string[] }).lines.push(line);
    else if (line.trim() !== "") throw new Error(`${name}: text before the first @ header: ${line}`);
  });
  flush();

  // The reasoning and each block's character span.
  let reasoning = "";
  const spans: { start: number; end: number; id: number; part: Part }[] = [];
  for (const b of blocks) {
    if (reasoning !== "") reasoning += b.joined ? "\n" : "\n\n";
    spans.push({ start: reasoning.length, end: reasoning.length + b.text.length, id: b.id, part: b.part });
    reasoning += b.text;
  }
  const sentences = splitSentences(reasoning);
  const lines = sentences.map((s) => s.text);
  const ranges = new Map<number, Partial<Record<Part, LineRange>>>();
  sentences.forEach((s, i) => {
    const owner = spans.find((b) => s.start >= b.start && s.start < b.end);
    if (!owner) throw new Error(`${name}: sentence ${i + 1} lies in no block`);
    if (s.end > owner.end) throw new Error(`${name}: sentence ${i + 1} ("${s.text.slice(0, 40)}…") crosses a block boundary`);
    const r = ranges.get(owner.id) ?? {};
    const prev = r[owner.part];
    if (prev && prev[1] !== i) throw new Error(`${name}: step ${owner.id}'s ${owner.part} is not contiguous`);
    r[owner.part] = prev ? [prev[0], i + 1] : [i + 1, i + 1];
    ranges.set(owner.id, r);
  });

  const ids = [...ranges.keys()].sort((a, b) => a - b);
  ids.forEach((id, i) => {
    if (id !== i + 1) throw new Error(`${name}: step ids must be 1..n in order (found ${id} at position ${i + 1})`);
  });
  const textOf = (r: LineRange | undefined) => (r ? lines.slice(r[0] - 1, r[1]).join(" ") : "");
  const steps: Step[] = ids.map((id) => {
    const r = ranges.get(id) as Partial<Record<Part, LineRange>>;
    const step: Step = { id, plan: textOf(r.plan) };
    if (r.plan) step.planLines = r.plan;
    if (r.exec) {
      step.executionLines = r.exec;
      step.execution = textOf(r.exec);
    }
    if (r.comment) {
      step.commentLines = r.comment;
      step.comment = textOf(r.comment);
    }
    return step;
  });
  const dag: Record<number, number[]> = {};
  for (const id of ids) {
    const ps = [...(parents.get(id) ?? [])].sort((a, b) => a - b);
    for (const p of ps) if (p >= id || !ranges.has(p)) throw new Error(`${name}: step ${id} has parent ${p}, which is not an earlier step`);
    dag[id] = ps;
  }
  return { name, question, answer, reasoning, lines, steps, dag };
}

/** Every fixture of the directory, sorted by file name. */
export function loadMathFixtures(dir = MATH_FIXTURE_DIR): MathFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => parseMathFixture(f.replace(/\.txt$/, ""), readFileSync(path.join(dir, f), "utf8")));
}
