import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  assistantContent,
  buildChat,
  buildExport,
  chatMessages,
  EXPORT_FORMATS,
  jsonlLines,
  llamaFactoryDatasetInfo,
  percentile,
  questionKey,
  renderChatText,
  sampleRow,
  splitOf,
  splitUnit,
  summarize,
  toJsonl,
  trajectoryBody,
  validateChatRow,
  validateOpenAiRow,
  type CuratedItem,
  type ExportFormat,
} from "./export";
import { parseTrajectory } from "./format";
import { trajectoryMetrics } from "./metrics";
import { buildUserMessage, SPRINT_SYSTEM_PROMPT, SPRINT_SYSTEM_PROMPT_VERSION } from "./prompts";
import { sha256Hex, utf8Length } from "./sha256";
import { wordTokenizer } from "./tokenizer";
import type { Trajectory } from "./types";
import { countdownDataset } from "./countdown/trace";
import { gradeCountdown } from "./grading";
import { curate } from "./packing";

const nodeSha = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");

function traj(n: number): Trajectory {
  return {
    rounds: [
      {
        index: 1,
        chunks: [
          { separatorBefore: false, text: `Plan for problem ${n}.`, prompt: { index: 1, text: "Compute the first part." } },
          { separatorBefore: true, text: "Also check the second part.", prompt: { index: 2, text: "Check the second part." } },
        ],
        executions: [
          { index: 1, text: `The first part is ${n}.` },
          { index: 2, text: "The second part holds." },
        ],
      },
      { index: 2, chunks: [{ separatorBefore: false, text: "Based on execution_1.1, execution_1.2:\nCombine them." }], executions: [] },
    ],
    finalAnswer: { text: `So the answer is \\boxed{${n}}.`, style: "tag" },
  };
}

function items(n: number): CuratedItem[] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, question: `What is problem number ${i}?`, trajectory: traj(i) }));
}

describe("samples", () => {
  it("assistant = <think>\\n + trajectory + \\n</think>, without the question", () => {
    const t: Trajectory = { ...traj(3), question: "Q?" };
    const a = assistantContent(t);
    expect(a.startsWith("<think>\n<Plan_1>")).toBe(true);
    expect(a.endsWith("</Final_answer>\n</think>")).toBe(true);
    expect(a).not.toContain("<Question>");
    expect(a.match(/<think>/g)).toHaveLength(1);
    expect(trajectoryBody(t)).toBe(a.slice("<think>\n".length, -"\n</think>".length));
    // The body parses back to the same rounds and final answer.
    const back = parseTrajectory(a);
    expect(back.trajectory.rounds).toEqual(t.rounds);
    expect(back.trajectory.finalAnswer?.text).toBe(t.finalAnswer?.text);
  });

  it("puts the system prompt inside the user message, or as a system message", () => {
    const inUser = buildChat("What is 2+2?", traj(4));
    expect(inUser).toEqual({ user: buildUserMessage("What is 2+2?"), assistant: assistantContent(traj(4)) });
    expect(inUser.user.startsWith(SPRINT_SYSTEM_PROMPT)).toBe(true);
    expect(inUser.user.endsWith("<Question>\nWhat is 2+2?\n</Question>")).toBe(true);
    const sys = buildChat("What is 2+2?", traj(4), { systemPrompt: "system" });
    expect(sys).toEqual({ system: SPRINT_SYSTEM_PROMPT, user: "<Question>\nWhat is 2+2?\n</Question>", assistant: assistantContent(traj(4)) });
    expect(chatMessages(sys).map((m) => m.role)).toEqual(["system", "user", "assistant"]);
  });
});

describe("JSONL shapes", () => {
  const chat = { user: "U", assistant: "<think>\nA\n</think>" };
  const sysChat = { system: "S", user: "U", assistant: "<think>\nA\n</think>" };
  const cases: [ExportFormat, typeof chat | typeof sysChat, string][] = [
    ["messages", chat, '{"messages":[{"role":"user","content":"U"},{"role":"assistant","content":"<think>\\nA\\n</think>"}]}'],
    ["messages", sysChat, '{"messages":[{"role":"system","content":"S"},{"role":"user","content":"U"},{"role":"assistant","content":"<think>\\nA\\n</think>"}]}'],
    ["openai", sysChat, '{"messages":[{"role":"system","content":"S"},{"role":"user","content":"U"},{"role":"assistant","content":"<think>\\nA\\n</think>"}]}'],
    ["together-chat", chat, '{"messages":[{"role":"user","content":"U"},{"role":"assistant","content":"<think>\\nA\\n</think>"}]}'],
    ["prompt-completion", sysChat, '{"prompt":[{"role":"system","content":"S"},{"role":"user","content":"U"}],"completion":[{"role":"assistant","content":"<think>\\nA\\n</think>"}]}'],
    ["together-instruction", sysChat, '{"prompt":"S\\n\\nU","completion":"<think>\\nA\\n</think>"}'],
    ["together-instruction", chat, '{"prompt":"U","completion":"<think>\\nA\\n</think>"}'],
    ["together-text", chat, '{"text":"U\\n\\n<think>\\nA\\n</think>"}'],
  ];
  it.each(cases)("%s", (format, c, line) => {
    expect(JSON.stringify(sampleRow(c, format))).toBe(line);
    expect([...jsonlLines([c, c], format)]).toEqual([line, line]);
  });

  it("renders text templates", () => {
    expect(renderChatText(sysChat, "chatml")).toBe("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n<think>\nA\n</think><|im_end|>\n");
    expect(renderChatText(chat, "deepseek-r1")).toBe("<｜begin▁of▁sentence｜><｜User｜>U<｜Assistant｜><think>\nA\n</think><｜end▁of▁sentence｜>");
    expect(renderChatText(sysChat, "plain")).toBe("S\n\nU\n\n<think>\nA\n</think>");
    expect(JSON.stringify(sampleRow(chat, "together-text", { textTemplate: (p) => `${p.user}|${p.assistant}` }))).toBe('{"text":"U|<think>\\nA\\n</think>"}');
  });

  it("writes JSONL with a newline after every line", () => {
    expect(toJsonl(["{}", "{}"])).toBe("{}\n{}\n");
    expect(toJsonl([])).toBe("");
  });

  it("describes every format and gives the LLaMA-Factory dataset entry", () => {
    expect(Object.keys(EXPORT_FORMATS).sort()).toEqual(["messages", "openai", "prompt-completion", "together-chat", "together-instruction", "together-text"]);
    expect(llamaFactoryDatasetInfo("train.jsonl")).toEqual({
      file_name: "train.jsonl",
      formatting: "sharegpt",
      columns: { messages: "messages" },
      tags: { role_tag: "role", content_tag: "content", user_tag: "user", assistant_tag: "assistant", system_tag: "system" },
    });
  });
});

describe("OpenAI checks", () => {
  const good = { messages: [{ role: "user", content: "U" }, { role: "assistant", content: "A" }] };
  it("accepts a valid row", () => {
    expect(validateOpenAiRow(good, "x")).toEqual([]);
    const weighted = { messages: [{ role: "system", content: "S" }, { role: "user", content: "U" }, { role: "assistant", content: "A", weight: 1 }] };
    expect(validateOpenAiRow(weighted, "x")).toEqual([]);
  });
  it.each([
    [[], "not-an-object"],
    [{}, "missing-messages-list"],
    [{ messages: [] }, "missing-messages-list"],
    [{ messages: good.messages, extra: 1 }, "unrecognized-key"],
    [{ messages: [{ role: "robot", content: "x" }, good.messages[1]] }, "unrecognized-role"],
    [{ messages: [{ content: "x" }, good.messages[1]] }, "message-missing-key"],
    [{ messages: [{ role: "user", content: "  " }, good.messages[1]] }, "empty-content"],
    [{ messages: [{ role: "user" }, good.messages[1]] }, "missing-content"],
    [{ messages: [{ role: "user", content: 3 }, good.messages[1]] }, "content-not-string"],
    [{ messages: [{ role: "user", content: "U", colour: "red" }, good.messages[1]] }, "message-unrecognized-key"],
    [{ messages: [{ role: "user", content: "U" }] }, "example-missing-assistant-message"],
    [{ messages: [{ role: "user", content: "U", weight: 1 }, good.messages[1]] }, "weight-not-on-assistant"],
    [{ messages: [good.messages[0], { role: "assistant", content: "A", weight: 0.5 }] }, "bad-weight"],
  ])("%j → %s", (row, code) => {
    expect(validateOpenAiRow(row, "x").map((i) => i.code)).toContain(code);
  });
  it("checks the token limit with the given tokenizer", () => {
    const long = { messages: [{ role: "user", content: "a b c" }, { role: "assistant", content: "d e f" }] };
    expect(validateOpenAiRow(long, "x", { tokenizer: wordTokenizer, maxTokensPerExample: 6 })).toEqual([]);
    expect(validateOpenAiRow(long, "x", { tokenizer: wordTokenizer, maxTokensPerExample: 5 }).map((i) => i.code)).toEqual(["too-many-tokens"]);
  });
  it("checks chat rows", () => {
    expect(validateChatRow({ messages: [{ role: "user", content: "U" }, { role: "assistant", content: "A" }] }, "x")).toEqual([]);
    expect(validateChatRow({ messages: [{ role: "user", content: "U" }] }, "x").map((i) => i.code)).toEqual(["last-not-assistant"]);
    expect(validateChatRow({ prompt: [{ role: "user", content: "" }], completion: [{ role: "assistant", content: "A" }] }, "x").map((i) => i.code)).toEqual(["empty-content"]);
  });
});

describe("split", () => {
  it("is deterministic, seeded and close to the ratio", () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `key-${i}`);
    const a = keys.map((k) => splitOf(k, { seed: 1 }));
    expect(keys.map((k) => splitOf(k, { seed: 1 }))).toEqual(a);
    expect(keys.map((k) => splitOf(k, { seed: 2 }))).not.toEqual(a);
    const test = a.filter((s) => s === "test").length / keys.length;
    expect(test).toBeGreaterThan(0.085);
    expect(test).toBeLessThan(0.115);
    const r30 = keys.filter((k) => splitOf(k, { seed: 1, testRatio: 0.3 }) === "test").length / keys.length;
    expect(Math.abs(r30 - 0.3)).toBeLessThan(0.03);
    expect(keys.every((k) => splitOf(k, { testRatio: 0 }) === "train")).toBe(true);
    expect(keys.every((k) => splitOf(k, { testRatio: 1 }) === "test")).toBe(true);
    for (const k of keys.slice(0, 50)) {
      const u = splitUnit(k, 1);
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it("is stable when items are added or removed (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 40 }), fc.nat(), (questions, cut) => {
        const all = questions.map((q, i) => ({ id: `i${i}`, question: `${q}?`, trajectory: traj(i) }));
        const full = buildExport(all, { format: "messages", tokenizer: wordTokenizer, seed: 7 });
        const subset = all.filter((_, i) => i % 3 !== cut % 3);
        const part = buildExport(subset, { format: "messages", tokenizer: wordTokenizer, seed: 7 });
        const splitById = new Map(full.samples.map((s) => [s.id, s.split]));
        for (const s of part.samples) expect(s.split).toBe(splitById.get(s.id));
      }),
      { numRuns: 50 },
    );
  });

  it("keys by normalized question by default, so duplicates share a split", () => {
    expect(questionKey("  What   is\n2+2? ")).toBe("what is 2+2?");
    const dup = Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, question: i % 2 ? "Same question" : " same   QUESTION ", trajectory: traj(i) }));
    const res = buildExport(dup, { format: "messages", tokenizer: wordTokenizer });
    expect(new Set(res.samples.map((s) => s.split)).size).toBe(1);
    const byId = buildExport(dup, { format: "messages", tokenizer: wordTokenizer, key: "id", seed: 3 });
    expect(byId.samples.map((s) => s.key)).toEqual(dup.map((d) => d.id));
    const custom = buildExport(dup, { format: "messages", tokenizer: wordTokenizer, key: (it) => it.id.toUpperCase() });
    expect(custom.samples[0]?.key).toBe("D0");
    expect(custom.manifest.split.key).toBe("custom");
  });
});

describe("buildExport", () => {
  it("writes train and test files and an exact manifest", () => {
    const input = items(30);
    const res = buildExport(input, { format: "messages", tokenizer: wordTokenizer, seed: "s", testRatio: 0.2 });
    const [train, test] = res.files;
    expect(train?.name).toBe("train.jsonl");
    expect(test?.name).toBe("test.jsonl");
    const trainIds = res.samples.filter((s) => s.split === "train").map((s) => s.id);
    const testIds = res.samples.filter((s) => s.split === "test").map((s) => s.id);
    expect(trainIds.length + testIds.length).toBe(30);
    expect(testIds.length).toBeGreaterThan(0);
    // Files hold exactly the rows of their split, in input order.
    const rowsOf = (content: string): unknown[] => content.trimEnd().split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown);
    expect(rowsOf(train?.content ?? "")).toHaveLength(trainIds.length);
    const firstTrain = input.find((i) => i.id === trainIds[0]) as CuratedItem;
    expect(rowsOf(train?.content ?? "")[0]).toEqual({
      messages: [
        { role: "user", content: buildUserMessage(firstTrain.question ?? "") },
        { role: "assistant", content: assistantContent(firstTrain.trajectory) },
      ],
    });
    const m = res.manifest;
    expect(m.format).toBe("messages");
    expect(m.systemPrompt).toEqual({ version: SPRINT_SYSTEM_PROMPT_VERSION, placement: "user" });
    expect(m.split).toEqual({ seed: "s", testRatio: 0.2, key: "question" });
    expect(m.counts).toEqual({ items: 30, exported: 30, skipped: 0, train: trainIds.length, test: testIds.length });
    expect(m.tokenizer).toBe("words");
    expect(m.hashAlgorithm).toBe("sha256");
    for (const f of m.files) {
      const file = res.files.find((x) => x.name === f.name);
      expect(f.hash).toBe(nodeSha(file?.content ?? ""));
      expect(f.bytes).toBe(Buffer.byteLength(file?.content ?? "", "utf8"));
      expect(f.rows).toBe(f.split === "train" ? trainIds.length : testIds.length);
    }
    // Token statistics: recompute by hand.
    const seq = input.map((i) => trajectoryMetrics(i.trajectory, wordTokenizer).sequentialTokens);
    const asst = input.map((i) => wordTokenizer.count(assistantContent(i.trajectory)));
    expect(m.tokens.all.sequentialTokens).toEqual(summarize(seq));
    expect(m.tokens.all.assistantTokens).toEqual(summarize(asst));
    expect(m.tokens.all.stages).toEqual({ count: 30, min: 2, mean: 2, p50: 2, p90: 2, max: 2 });
    expect(m.tokens.all.prompts).toEqual({ count: 30, min: 2, mean: 2, p50: 2, p90: 2, max: 2 });
    expect(m.tokens.train.sequentialTokens.count).toBe(trainIds.length);
    expect(m.tokens.test.assistantTokens.count).toBe(testIds.length);
    expect(JSON.parse(res.manifestJson)).toEqual(m);
    expect(res.issues).toEqual([]);
  });

  it("is deterministic", () => {
    const a = buildExport(items(12), { format: "openai", tokenizer: wordTokenizer, systemPrompt: "system" });
    const b = buildExport(items(12), { format: "openai", tokenizer: wordTokenizer, systemPrompt: "system" });
    expect(a.manifestJson).toBe(b.manifestJson);
    expect(a.files).toEqual(b.files);
  });

  it("lists skipped items with reasons and warns about what it keeps", () => {
    const input: CuratedItem[] = [
      ...items(3),
      { id: "empty", question: "  ", trajectory: traj(9) },
      { id: "norounds", question: "Q?", trajectory: { rounds: [] } },
      { id: "t0", question: "Another?", trajectory: { ...traj(1), finalAnswer: undefined } },
    ];
    const res = buildExport(input, { format: "openai", tokenizer: wordTokenizer, testRatio: 0 });
    expect(res.manifest.counts).toEqual({ items: 6, exported: 4, skipped: 2, train: 4, test: 0 });
    expect(res.manifest.skipped).toEqual([
      { id: "empty", reasons: ["no question"] },
      { id: "norounds", reasons: ["no rounds"] },
    ]);
    expect(res.manifest.warnings.map((w) => w.code).sort()).toEqual(["duplicate-id", "no-final-answer", "too-few-examples"]);
    expect(res.files[1]).toMatchObject({ rows: 0, content: "" });
    expect(res.manifest.files[1]?.hash).toBe(nodeSha(""));
  });

  it("drops rows over OpenAI's token limit, with the reason", () => {
    const res = buildExport(items(2), { format: "openai", tokenizer: wordTokenizer, openAi: { maxTokensPerExample: 10 } });
    expect(res.manifest.counts.exported).toBe(0);
    expect(res.manifest.skipped[0]?.reasons[0]).toMatch(/^too-many-tokens/);
  });

  it("takes the question from the trajectory, a custom hash and file names", () => {
    const res = buildExport([{ id: "a", trajectory: { ...traj(1), question: "From the trajectory?" } }], {
      format: "together-text",
      tokenizer: wordTokenizer,
      testRatio: 0,
      hash: (s) => `len:${s.length}`,
      hashName: "length",
      fileNames: { train: "sprint-train.jsonl", test: "sprint-val.jsonl" },
    });
    expect(res.samples[0]?.question).toBe("From the trajectory?");
    expect(res.manifest.hashAlgorithm).toBe("length");
    expect(res.manifest.files.map((f) => f.name)).toEqual(["sprint-train.jsonl", "sprint-val.jsonl"]);
    expect(res.manifest.files[0]?.hash).toBe(`len:${res.files[0]?.content.length ?? 0}`);
    const row = JSON.parse(res.files[0]?.content ?? "{}") as { text: string };
    expect(row.text.startsWith(SPRINT_SYSTEM_PROMPT)).toBe(true);
    expect(row.text.endsWith("</think>")).toBe(true);
  });

  it("rejects a bad ratio", () => {
    expect(() => buildExport([], { format: "messages", tokenizer: wordTokenizer, testRatio: 1.5 })).toThrow(RangeError);
  });
});

describe("statistics and hashing", () => {
  it("nearest-rank percentiles", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([7], 0.9)).toBe(7);
    expect(summarize([3, 1, 2])).toEqual({ count: 3, min: 1, mean: 2, p50: 2, p90: 3, max: 3 });
    expect(summarize([])).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, max: 0 });
  });

  it("pure SHA-256 matches node:crypto", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (s) => {
        expect(sha256Hex(s)).toBe(nodeSha(s));
        expect(utf8Length(s)).toBe(Buffer.byteLength(s, "utf8"));
      }),
      { numRuns: 300 },
    );
    const big = "x".repeat(1000) + "é🙂".repeat(100);
    expect(sha256Hex(big)).toBe(nodeSha(big));
  });
});

describe("end to end: Countdown → curation → export", () => {
  it("exports curated Countdown trajectories whose answers still grade correct", () => {
    const kept: CuratedItem[] = [];
    const records = [...countdownDataset("export", 40)];
    for (const r of records) {
      const final = r.solution.split(/(?<=\.)\s+/).filter((s) => s.includes("\\boxed")).pop() ?? r.solution;
      const c = curate(r.steps, r.dag, { lineCount: r.lines.length, question: r.question, finalAnswer: final });
      if (c.kept && c.trajectory) kept.push({ id: r.id, trajectory: c.trajectory });
    }
    expect(kept.length).toBeGreaterThan(20);
    const res = buildExport(kept, { format: "messages", tokenizer: wordTokenizer, seed: 1 });
    expect(res.manifest.counts.exported).toBe(kept.length);
    expect(res.manifest.tokens.all.stages.min).toBeGreaterThanOrEqual(1);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const s of res.samples) {
      const r = byId.get(s.id);
      if (!r) throw new Error("missing record");
      expect(s.user.endsWith(`<Question>\n${r.question}\n</Question>`)).toBe(true);
      const parsed = parseTrajectory(s.assistant);
      expect(parsed.ok).toBe(true);
      expect(gradeCountdown(s.assistant, r.numbers, r.target).correct).toBe(true);
      const m = trajectoryMetrics(parsed.trajectory, wordTokenizer);
      expect(m.sequentialTokens).toBeLessThanOrEqual(m.totalTokens);
    }
    // The paper's metric: on the whole, parallel rounds need fewer sequential than total tokens.
    expect(res.manifest.tokens.all.sequentialTokens.mean).toBeLessThan(0.9 * res.manifest.tokens.all.totalTokens.mean);
  });
});
