/**
 * `npx tsx bench/check-math-fixture.ts FILE...` — checks hand-written math fixtures (format in
 * bench/math-fixtures.ts): parses each, and prints its size (Qwen tokens), lines, steps, edges and the
 * annotated packing under the "paper" preset (stages, kept or the filter's reason). Exits 1 on a format error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseMathFixture } from "./math-fixtures";
import { curate, CURATION_PRESETS } from "../server/sprint/packing";
import { transitiveReduction } from "../server/sprint/steps";
import { loadQwenTokenizer } from "../server/sprint/tokenizer";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx bench/check-math-fixture.ts FILE...");
  process.exit(2);
}
const tok = await loadQwenTokenizer();
let bad = 0;
for (const file of files) {
  const name = path.basename(file).replace(/\.txt$/, "");
  try {
    const f = parseMathFixture(name, readFileSync(file, "utf8"));
    const reduced = transitiveReduction(f.dag);
    const edges = Object.values(f.dag).reduce((n, ps) => n + ps.length, 0);
    const redEdges = Object.values(reduced).reduce((n, ps) => n + ps.length, 0);
    const r = curate(f.steps, f.dag, { ...CURATION_PRESETS.paper, lineCount: f.lines.length });
    const stages = r.packing ? r.packing.stageCount : "-";
    const verdict = r.kept ? "kept" : `filtered (${r.reasons.map((x) => x.message).join("; ")})`;
    console.log(
      `${name}: ${tok.count(f.reasoning)} tokens, ${f.lines.length} lines, ${f.steps.length} steps, ${edges} edges (${redEdges} after reduction), paper packing ${stages} stages, ${verdict}`,
    );
  } catch (e) {
    bad++;
    console.log(`${name}: ERROR ${(e as Error).message}`);
  }
}
process.exit(bad > 0 ? 1 : 0);
