/**
 * `npm run bench:inference` — the SPRINT orchestrator against a local vLLM-like server
 * (tests/fixtures/openai-server.ts) streaming at a fixed token rate per sequence, on generated plans
 * with 1–16 prompts per round (synthetic model: server/inference/orchestrator/synthetic.ts). Prints per
 * schedule:
 *   - wall ÷ ideal critical path (ideal = the schedule's token critical path × ms per token; target ≤ 1.05);
 *   - eager vs round-sync speed-up;
 *   - orchestration overhead per round: (wall − measured critical path) ÷ rounds, from the run's own
 *     lane timestamps (target < 2 ms), and the CPU cost per round with an instant in-process engine;
 *   - behaviour at 64 concurrent lanes (one round with 64 prompts).
 *
 * Section 1 reports the better of two runs per cell. The fixture runs in this process, so its token
 * timers compete with the orchestrator for the event loop: on a loaded machine the ratios are upper bounds.
 *
 * Options: --ms N (ms per token per sequence, default 2), --rounds N (rounds per plan, default 2),
 * --exec N (words per execution, default 60).
 */
import os from "node:os";
import { openAICompletionsEngine } from "../server/inference/engines/openai";
import { ScriptedEngine } from "../server/inference/engines/scripted";
import { runSprint, type SprintRunResult } from "../server/inference/orchestrator/orchestrator";
import type { Schedule } from "../server/inference/orchestrator/events";
import { idealCriticalPathMs, syntheticModel, syntheticSpec, type SyntheticSpec } from "../server/inference/orchestrator/synthetic";
import { startOpenAIFixture } from "../tests/fixtures/openai-server";
import { option } from "./harness";


const MS = option("ms", 2);
const ROUNDS = option("rounds", 2);
const EXEC = option("exec", 60);
const SCHEDULES: Schedule[] = ["round-sync", "eager"];

interface Row {
  label: string;
  schedule: Schedule;
  wall: number;
  ideal: number;
  overheadPerRound: number;
  ttft: number | null;
  maxStartLag: number;
  lanes: number;
}

function fmt(n: number, d = 1): string {
  return n.toFixed(d);
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`SPRINT inference bench — node ${process.version}, ${os.cpus().length} CPUs, ${MS} ms/token/sequence, ${ROUNDS} rounds, ${EXEC} words/execution`);
  let current: SyntheticSpec = syntheticSpec([1]);
  const fixture = await startOpenAIFixture({ respond: (req) => syntheticModel(current)(req), tokenIntervalMs: MS });
  const engine = openAICompletionsEngine({ baseURL: fixture.url, model: "bench" });

  async function once(spec: SyntheticSpec, schedule: Schedule, noPlannerRetry = false): Promise<SprintRunResult> {
    current = spec;
    const params = { schedule, executorContext: "prefix" as const, maxRounds: 50, ...(noPlannerRetry ? { planner: { retryOverTokens: null } } : {}) };
    const r = await runSprint({ engine, question: "Bench question?", params, onEvent: () => {} });
    if (r.status !== "completed" || r.boxed !== spec.answer) throw new Error(`bench run failed: ${r.status} ${r.error ?? ""}`);
    return r;
  }

  function row(label: string, spec: SyntheticSpec, schedule: Schedule, r: SprintRunResult): Row {
    const rounds = r.metrics.roundTimings.length;
    const lags = r.metrics.roundTimings.flatMap((t) => t.lanes.map((l) => l.startMs - l.readyMs));
    return {
      label,
      schedule,
      wall: r.metrics.wallMs,
      ideal: idealCriticalPathMs(spec, schedule, MS),
      overheadPerRound: r.metrics.overheadMs / rounds,
      ttft: r.metrics.ttftMs,
      maxStartLag: lags.length ? Math.max(...lags) : 0,
      lanes: r.metrics.maxLanesPerRound,
    };
  }

  // Warm-up (JIT, keep-alive connections).
  await once(syntheticSpec([4], { execWords: 10 }), "eager");

  const rows: Row[] = [];
  for (const n of [1, 2, 4, 8, 16]) {
    const spec = syntheticSpec(Array.from({ length: ROUNDS }, () => n), { planWords: 4, trailingWords: 2, execWords: (p, k) => EXEC + ((p * 13 + k * 7) % 20) });
    for (const schedule of SCHEDULES) {
      // Best of 2 (the fixture shares this process's event loop; one noisy run should not decide).
      const a = row(`${n} prompts/round`, spec, schedule, await once(spec, schedule));
      const b = row(`${n} prompts/round`, spec, schedule, await once(spec, schedule));
      rows.push(a.wall <= b.wall ? a : b);
    }
  }

  console.log("\n1) wall ÷ ideal critical path, by prompts per round (target ≤ 1.05)");
  console.log("   plan               schedule     wall ms   ideal ms   ratio   overhead/round ms   max start lag ms   TTFT ms");
  for (const r of rows) {
    console.log(
      `   ${r.label.padEnd(18)} ${r.schedule.padEnd(11)} ${fmt(r.wall).padStart(8)} ${fmt(r.ideal).padStart(10)} ${fmt(r.wall / r.ideal, 3).padStart(7)} ${fmt(r.overheadPerRound, 2).padStart(19)} ${fmt(r.maxStartLag, 2).padStart(18)} ${fmt(r.ttft ?? 0).padStart(9)}`,
    );
  }

  console.log("\n2) eager vs round-sync speed-up (wall time)");
  for (const n of [1, 2, 4, 8, 16]) {
    const rs = rows.find((r) => r.label === `${n} prompts/round` && r.schedule === "round-sync") as Row;
    const eg = rows.find((r) => r.label === `${n} prompts/round` && r.schedule === "eager") as Row;
    console.log(`   ${`${n} prompts/round`.padEnd(18)} measured ×${fmt(rs.wall / eg.wall, 3)}   ideal ×${fmt(rs.ideal / eg.ideal, 3)}`);
  }

  const maxRatio = Math.max(...rows.map((r) => r.wall / r.ideal));
  const maxOverhead = Math.max(...rows.map((r) => r.overheadPerRound));
  console.log(`\n   worst wall/ideal ${fmt(maxRatio, 3)} (${maxRatio <= 1.05 ? "meets" : "MISSES"} ≤ 1.05); worst overhead/round ${fmt(maxOverhead, 2)} ms (${maxOverhead < 2 ? "meets" : "MISSES"} < 2 ms)`);

  // 3) CPU cost of orchestration per round, instant engine (no I/O, no token delays).
  const cpuSpec = syntheticSpec([16, 16, 16], { planWords: 4, execWords: EXEC });
  const instant = new ScriptedEngine({ respond: syntheticModel(cpuSpec) });
  for (const schedule of SCHEDULES) {
    await runSprint({ engine: instant, question: "Q", params: { schedule, executorContext: "prefix" } });
    const N = 30;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await runSprint({ engine: instant, question: "Q", params: { schedule, executorContext: "prefix" }, onEvent: () => {} });
    const perRound = (performance.now() - t0) / (N * 3);
    if (schedule === "round-sync") console.log("\n3) orchestration CPU per round (16 prompts, instant in-process engine, events on)");
    console.log(`   ${schedule.padEnd(11)} ${fmt(perRound, 3)} ms/round (whole loop incl. the scripted engine's token generation)`);
  }

  // 4) 64 concurrent lanes.
  // A 64-prompt plan is ~1,600 planner tokens: over the paper's 1,000-token planner retry limit, so
  // that rule is off here (with it, two capped attempts would run first).
  console.log("\n4) 64 concurrent lanes (one round, 64 prompts; planner retry limit off)");
  const wide = syntheticSpec([64], { planWords: 1, trailingWords: 0, execWords: EXEC });
  for (const schedule of SCHEDULES) {
    fixture.stats.maxActive = 0;
    const r = row("64 lanes", wide, schedule, await once(wide, schedule, true));
    console.log(
      `   ${schedule.padEnd(11)} wall ${fmt(r.wall)} ms, ideal ${fmt(r.ideal)} ms, ratio ${fmt(r.wall / r.ideal, 3)}, lanes ${r.lanes}, server max concurrent streams ${fixture.stats.maxActive}, max start lag ${fmt(r.maxStartLag, 2)} ms, overhead/round ${fmt(r.overheadPerRound, 2)} ms`,
    );
  }

  await fixture.close();
  console.log(`\ntotal ${fmt((performance.now() - started) / 1000, 1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
