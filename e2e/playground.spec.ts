import { expect, test } from "@playwright/test";
import { startOpenAIFixture, type OpenAIFixture } from "../tests/fixtures/openai-server";
import { sprintFixtureModel } from "../tests/fixtures/sprint-model";
import { classifyRequest, syntheticSpec } from "../server/inference/orchestrator/synthetic";
import { addEndpoint, signInDemo } from "./helpers";

// The demo seed creates this admin in workspace "demo" (no endpoint configured).

// A local OpenAI-compatible server that streams like vLLM: 3 prompts in round 1, 2 in round 2, then the answer 42.
let fixture: OpenAIFixture;
// A faulty server: the first two requests answer HTTP 500, and executor 1.1's stream is cut on every attempt.
let faulty: OpenAIFixture;
test.beforeAll(async () => {
  fixture = await startOpenAIFixture({ respond: sprintFixtureModel(syntheticSpec([3, 2], { execWords: 40, planWords: 10 })), tokenIntervalMs: 12 });
  faulty = await startOpenAIFixture({
    respond: sprintFixtureModel(syntheticSpec([2, 1], { execWords: 40, planWords: 10 })),
    tokenIntervalMs: 5,
    fault: (req, n) => {
      if (n < 2) return { status: 500 };
      const c = req.prompt.includes("<Question>") ? classifyRequest(req) : null;
      return c?.role === "executor" && c.round === 1 && c.index === 1 ? { truncateAfterTokens: 4, mode: "end" } : undefined;
    },
  });
});
test.afterAll(async () => {
  await fixture?.close();
  await faulty?.close();
});

test("playground: run against an endpoint, lanes stream and finish, compare with sequential, share, revoke", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signInDemo(page);

  // No endpoint yet: the playground says how to connect one instead of pretending.
  await page.goto("/w/demo/playground");
  await expect(page.getByTestId("connect-guide")).toContainText("vllm serve");

  // An admin adds the OpenAI-compatible server as an endpoint.
  await addEndpoint(page, { name: "fixture", url: fixture.url, model: "sprint-fixture", api: "openai-completions" });
  await expect(page.getByTestId("endpoints-panel")).toContainText("fixture · completions · sprint-fixture");

  // Run a question with the eager schedule and the sequential baseline side by side.
  await page.goto("/w/demo/playground");
  await page.getByTestId("question-input").fill("What is $6 \\times 7$?");
  await expect(page.getByTestId("question-preview").locator(".katex")).toBeVisible();
  const option = await page.getByTestId("model-picker").locator("option", { hasText: "fixture" }).first().getAttribute("value");
  await page.getByTestId("model-picker").selectOption(option!);
  await page.getByTestId("schedule-eager").check();
  await page.getByTestId("compare-sequential").check();
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/w\/demo\/playground\/[^/?]+$/);

  // Lanes appear while the run streams, then finish.
  await expect(page.getByTestId("lane-1-0")).toBeVisible();
  await expect(page.getByTestId("lane-1-1")).toBeVisible();
  await expect(page.getByTestId("lane-1-3")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(page.getByTestId("lane-2-2")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(page.getByTestId("boxed-answer")).toHaveAttribute("data-value", "42", { timeout: 60_000 });
  await expect(page.locator('[data-testid^="lane-"][data-critical="true"]').first()).toBeVisible();
  await expect(page.getByTestId("baseline")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(page.getByTestId("speedup")).toContainText("×");
  await expect(page.getByTestId("run-metrics")).toContainText(/Sequential tokens/i);

  // Hover shows a lane's text; click opens it in full.
  await page.getByTestId("lane-1-2").hover();
  await expect(page.getByTestId("lane-tooltip")).toContainText("task 1.2");
  await page.getByTestId("lane-1-2").click();
  await expect(page.getByTestId("lane-detail")).toContainText("task 1.2");
  await page.keyboard.press("Escape");
  await page.getByTestId("axis-toggle").getByRole("button", { name: "Tokens" }).click();
  await expect(page.getByTestId("timeline")).toHaveAttribute("data-axis", "tokens");

  // Share, then open the link in a fresh browser without a session.
  await page.getByTestId("share-button").click();
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{32,}$/);
  const anon = await browser.newContext();
  const ap = await anon.newPage();
  const res = await ap.goto(url);
  expect(res?.status()).toBe(200);
  await expect(ap.getByTestId("shared-run")).toBeVisible();
  await expect(ap.getByTestId("lane-2-2")).toHaveAttribute("data-status", "done");
  await expect(ap.getByTestId("boxed-answer")).toHaveAttribute("data-value", "42");
  await expect(ap.getByTestId("baseline")).toBeVisible();
  expect(await ap.locator('meta[property="og:title"]').getAttribute("content")).toBeTruthy();

  // The run is in the history.
  await page.goto("/w/demo/playground");
  await expect(page.getByTestId("run-history")).toContainText("What is");

  // Revoke in settings: the link now answers 404.
  await page.goto("/w/demo/settings");
  const links = page.getByTestId("share-links");
  await links.getByRole("button", { name: "Revoke" }).first().click();
  await expect(links.locator('[data-revoked="true"]')).toHaveCount(1);
  const gone = await ap.goto(url);
  expect(gone?.status()).toBe(404);
  await anon.close();
});

test("playground: faults are shown — HTTP retries with reasons, a lane that never finished, a degraded run in the history", async ({ page }) => {
  test.setTimeout(120_000);
  await signInDemo(page);

  await addEndpoint(page, { name: "faulty", url: faulty.url, model: "sprint-fixture", api: "openai-completions" });
  await expect(page.getByTestId("endpoints-panel")).toContainText("faulty · completions · sprint-fixture");

  await page.goto("/w/demo/playground");
  await page.getByTestId("question-input").fill("Faulty server: what is 6 × 7?");
  const option = await page.getByTestId("model-picker").locator("option", { hasText: "faulty" }).first().getAttribute("value");
  await page.getByTestId("model-picker").selectOption(option!);
  await page.getByTestId("params").locator("summary").click();
  await expect(page.getByTestId("on-incomplete")).toHaveValue("degraded");
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/w\/demo\/playground\/[^/?]+$/);

  await expect(page.getByTestId("timeline")).toHaveAttribute("data-status", "degraded", { timeout: 60_000 });
  await expect(page.getByTestId("lane-1-1")).toHaveAttribute("data-status", "incomplete");
  await expect(page.getByTestId("run-status").first()).toHaveAttribute("data-status", "degraded");
  const faults = page.getByTestId("run-faults");
  await expect(faults).toContainText("degraded");
  await expect(faults.getByTestId("retry-summary")).toContainText("engine: HTTP 500 ×2");
  await expect(faults.getByTestId("retry-summary")).toContainText("re-run: truncated");
  await expect(faults.getByTestId("incomplete-lanes")).toContainText("executor 1.1 never finished");
  await expect(page.getByTestId("metric-retries")).not.toContainText(/^Retries0$/);
  await expect(page.getByTestId("token-sources")).toContainText("server usage");
  await expect(page.getByTestId("token-sources")).toContainText("qwen3");

  await page.goto("/w/demo/playground");
  const row = page.getByTestId("run-history").locator("li", { hasText: "Faulty server" });
  await expect(row.getByTestId("run-status")).toHaveAttribute("data-status", "degraded");
});
