import { describe, expect, it } from "vitest";
import { buildUserMessage, questionBlock, SPRINT_SYSTEM_PROMPT, SPRINT_SYSTEM_PROMPT_VERSION } from "./prompts";

describe("SPRINT system prompt", () => {
  it("is versioned and describes every part of the format", () => {
    expect(SPRINT_SYSTEM_PROMPT_VERSION).toMatch(/^sprint-system-v\d+$/);
    for (const piece of ["<think>", "<Plan_p>", "<prompt_p.k>", "</prompt_p.k>", "-----", "Based on execution_x.y", "<Execution_p>", "<execution_p.k>", "No prompt to execute.", "<Final_answer>", "\\boxed{}", "</think>"]) {
      expect(SPRINT_SYSTEM_PROMPT).toContain(piece);
    }
  });

  it("builds the user message: system prompt, blank line, question block", () => {
    expect(buildUserMessage("  What is 1+1?\n")).toBe(`${SPRINT_SYSTEM_PROMPT}\n\n<Question>\nWhat is 1+1?\n</Question>`);
    expect(buildUserMessage("Q", { systemPrompt: false })).toBe("<Question>\nQ\n</Question>");
    expect(buildUserMessage("Q", { systemPrompt: "Custom." })).toBe("Custom.\n\n<Question>\nQ\n</Question>");
    expect(questionBlock("x")).toBe("<Question>\nx\n</Question>");
  });
});
