/**
 * The embedded local-model engine (optional node-llama-cpp) against a tiny random-weight GGUF written by the test:
 * streaming, max_tokens, stop strings, parallel sequences giving the same output as one at a time, and the shared
 * prefix evaluated once and copied into the other sequences (state copy) — with the orchestrator on top.
 * Runs only where node-llama-cpp is installed (`npm install node-llama-cpp`) or NODE_LLAMA_CPP_PATH points at its
 * dist/index.js; it is not in the default install (about 700 MB), so CI skips it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalGgufEngine } from "../../server/inference/engines/local-gguf";
import { collectCompletion, type CompletionEngine } from "../../server/inference/engines/types";
import { runSprint } from "../../server/inference/orchestrator/orchestrator";
import { writeTinyGguf } from "../fixtures/tiny-gguf";

const moduleName = process.env.NODE_LLAMA_CPP_PATH ? pathToFileURL(process.env.NODE_LLAMA_CPP_PATH).href : "node-llama-cpp";
const available = await import(/* @vite-ignore */ moduleName).then(
  () => true,
  () => false,
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sprint-gguf-test-"));
const modelPath = path.join(dir, "tiny.gguf");
let engine: LocalGgufEngine;
const make = (sequences = 4) => new LocalGgufEngine({ modelPath, sequences, contextSize: 4096, moduleName, stateDir: dir, llamaOptions: { gpu: false, build: "never" } });
const PREFIX = "You are a reasoning model. <Question> What is 6 times 7? </Question> <think> <Plan_1> Two independent checks. ".repeat(3);

beforeAll(() => {
  writeTinyGguf(modelPath);
  engine = make();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available)("local GGUF engine (node-llama-cpp)", () => {
  it("streams a completion, honours max_tokens and stop strings", async () => {
    const a = await collectCompletion(engine, { prompt: "Hello", maxTokens: 12, temperature: 0 });
    expect(a.end.finishReason).toBe("length");
    expect(a.end.usage!.completionTokens).toBe(12);
    expect(a.text.length).toBeGreaterThan(0);
    // Deterministic at temperature 0: the same prompt gives the same text; a stop string cuts it.
    const again = await collectCompletion(engine, { prompt: "Hello", maxTokens: 12, temperature: 0 });
    expect(again.text).toBe(a.text);
    const stop = a.text.slice(Math.floor(a.text.length / 2), Math.floor(a.text.length / 2) + 1);
    const cut = await collectCompletion(engine, { prompt: "Hello", maxTokens: 12, temperature: 0, stop: [stop] });
    expect(cut.end.finishReason).toBe("stop");
    expect(cut.text).toBe(a.text.slice(0, a.text.indexOf(stop)));
  });

  it("parallel sequences give the same outputs as one at a time", async () => {
    const prompts = [1, 2, 3, 4].map((k) => `${PREFIX}<prompt_1.${k}> task ${k} </prompt_1.${k}>`);
    const one = make(1);
    const serial: string[] = [];
    for (const p of prompts) serial.push((await collectCompletion(one, { prompt: p, maxTokens: 16, temperature: 0 })).text);
    const parallel = await Promise.all(prompts.map((p) => collectCompletion(engine, { prompt: p, maxTokens: 16, temperature: 0 })));
    expect(parallel.map((r) => r.text)).toEqual(serial);
  });

  it("a warmed shared prefix is evaluated once and copied into the other sequences", async () => {
    const e = make(4);
    const prompts = [1, 2, 3, 4].map((k) => `${PREFIX}<prompt_1.${k}> task number ${k} </prompt_1.${k}>`);
    const shared = PREFIX;
    await collectCompletion(e, { prompt: shared, maxTokens: 1, temperature: 0 });
    expect(e.stats.snapshotsSaved).toBe(1);
    const before = e.stats.evaluatedPromptTokens;
    const outs = await Promise.all(prompts.map((p) => collectCompletion(e, { prompt: p, maxTokens: 8, temperature: 0 })));
    const sent = outs.reduce((n, o) => n + o.end.usage!.promptTokens, 0);
    const evaluated = e.stats.evaluatedPromptTokens - before;
    // Three sequences loaded the snapshot (the warm-up's own sequence already held the prefix).
    expect(e.stats.snapshotsLoaded).toBe(3);
    expect(evaluated).toBeLessThan(sent / 3);
    // Same outputs as evaluating each prompt from scratch.
    const one = make(1);
    const fresh: string[] = [];
    for (const p of prompts) {
      fresh.push((await collectCompletion(one, { prompt: p, maxTokens: 8, temperature: 0 })).text);
    }
    expect(outs.map((o) => o.text)).toEqual(fresh);
  });

  it("runs the SPRINT loop end to end (the random model's output is repaired, the run completes)", async () => {
    const e: CompletionEngine = make(4);
    const r = await runSprint({ engine: e, question: "What is 6 times 7?", params: { maxRounds: 2, warmPrefix: true, planner: { maxTokens: 24 }, executor: { maxTokens: 16 } } });
    expect(r.status).toBe("completed");
    expect(r.metrics.calls).toBeGreaterThan(0);
  });
});
