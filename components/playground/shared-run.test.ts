/**
 * Server-render smoke test of the public shared-run view from real orchestrator events (no session,
 * no tRPC): the timeline, every lane, the baseline, metrics with the speed-up and the final answer.
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScriptedEngine } from "@/server/inference/engines/scripted";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";
import { runSequential, runSprint } from "@/server/inference/orchestrator/orchestrator";
import { syntheticModel, syntheticSpec } from "@/server/inference/orchestrator/synthetic";
import type { RunInfo } from "./run-report";
import { SharedRun } from "./shared-run";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

const Q = "What is $6 \\times 7$?";

describe("SharedRun", () => {
  it("renders a finished run with its baseline from events alone", async () => {
    const now = () => Date.now();
    const sp = runSprint({ engine: new ScriptedEngine({ respond: syntheticModel(syntheticSpec([3, 2])), tokenDelayMs: 5 }), question: Q, now, keepEvents: true, params: { schedule: "eager" } });
    const sq = runSequential({ engine: new ScriptedEngine({ respond: () => "Long thinking. ".repeat(80) + "So \\boxed{42}.", tokenDelayMs: 5 }), question: Q, now, keepEvents: true });
    await vi.runAllTimersAsync();
    const [s, b] = [await sp, await sq];
    const base = { question: Q, finalAnswer: "42", createdAt: new Date(0), finishedAt: new Date(1), endpoint: { name: "fixture", model: "m" }, error: null, status: "succeeded", params: null };
    const run: RunInfo = { ...base, id: "r1", mode: "sprint", schedule: "eager", metrics: { ...s.metrics, adherence: s.adherence } as unknown as Record<string, unknown>, baselineRunId: "r2" };
    const brun: RunInfo = { ...base, id: "r2", mode: "sequential", schedule: null, metrics: b.metrics as unknown as Record<string, unknown>, baselineRunId: null };
    const html = renderToString(createElement(SharedRun, { run, events: s.events as InferenceEvent[], baseline: { run: brun, events: b.events as InferenceEvent[] } }));
    expect(html).toContain('data-testid="shared-run"');
    expect(html).toContain('data-testid="timeline"');
    for (const id of ["round-1", "round-2", "lane-1-0", "lane-1-1", "lane-1-2", "lane-1-3", "lane-2-2", "final-answer", "run-metrics", "speedup", "baseline", "lane-seq", "axis-toggle"]) {
      expect(html, id).toContain(`data-testid="${id}"`);
    }
    expect(html).toMatch(/data-testid="lane-1-1" data-status="done"/);
    expect(html).toContain("katex");
    expect(html).toMatch(/×[\d.]+ wall/);

    // Any prefix of the events (a live run) renders too, with running lanes and live estimates.
    const evs = s.events as InferenceEvent[];
    let sawRunning = false;
    for (const cut of [1, 3, Math.floor(evs.length / 3), Math.floor(evs.length / 2), evs.length - 2]) {
      const partial = renderToString(createElement(SharedRun, { run: { ...run, status: "running", metrics: null }, events: evs.slice(0, cut), baseline: { run: { ...brun, status: "running", metrics: null }, events: (b.events as InferenceEvent[]).slice(0, cut) } }));
      expect(partial).toContain('data-testid="timeline"');
      if (partial.includes('data-status="running"')) sawRunning = true;
    }
    expect(sawRunning).toBe(true);
  });
});
