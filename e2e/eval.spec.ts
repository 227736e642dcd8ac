import path from "node:path";
import { readdirSync, statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { startOpenAIFixture, type OpenAIFixture } from "../tests/fixtures/openai-server";
import { countdownFixtureModel } from "../tests/fixtures/eval-model";
import { addEndpoint, signInDemo } from "./helpers";


// A local OpenAI-compatible server that answers Countdown questions in SPRINT format and sequentially.
let fixture: OpenAIFixture;
test.beforeAll(async () => {
  fixture = await startOpenAIFixture({ respond: countdownFixtureModel(), tokenIntervalMs: 0 });
});
test.afterAll(async () => {
  await fixture?.close();
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = path.join(dir, n);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

test("evaluations: Countdown benchmark run in two modes → report with buckets → comparison; MATH-style set + recorded outputs → report", async ({ page }) => {
  test.setTimeout(240_000);
  await signInDemo(page);

  // The fixture server as an endpoint.
  await addEndpoint(page, { name: "eval-fixture", url: fixture.url, model: "sprint-fixture", api: "openai-completions" });

  // A seeded Countdown benchmark of 20 problems.
  await page.goto("/w/demo/evaluations");
  await page.getByLabel("Countdown name").fill("countdown-e2e");
  await page.getByLabel("Countdown seed").fill("11");
  await page.getByLabel("Countdown problems").fill("20");
  await page.getByTestId("generate-countdown").click();
  await expect(page.getByTestId("benchmark-list")).toContainText("countdown-e2e v1");

  // Run it in SPRINT (eager) and sequential mode.
  const start = page.getByTestId("start-panel");
  const bench = await start.getByLabel("Run benchmark").locator("option", { hasText: "countdown-e2e" }).first().getAttribute("value");
  await start.getByLabel("Run benchmark").selectOption(bench!);
  const target = await start.getByLabel("Run model").locator("option", { hasText: "eval-fixture" }).first().getAttribute("value");
  await start.getByLabel("Run model").selectOption(target!);
  await start.getByLabel("Tokenizer").selectOption("approx");
  await start.getByLabel("Run mode", { exact: true }).selectOption("sprint-eager");
  await start.getByTestId("start-eval").click();
  await expect(page.locator('[data-testid="eval-run-row"][data-mode="sprint-eager"]')).toHaveCount(1);
  await start.getByLabel("Run mode", { exact: true }).selectOption("sequential");
  await start.getByTestId("start-eval").click();
  const sprintRow = page.locator('[data-testid="eval-run-row"][data-mode="sprint-eager"]');
  const seqRow = page.locator('[data-testid="eval-run-row"][data-mode="sequential"]');
  await expect(sprintRow).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await expect(seqRow).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await expect(sprintRow.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");

  // The SPRINT run's report: accuracy with its interval, sequential tokens, speed-up over the sequential run, buckets.
  await sprintRow.getByRole("link").click();
  await expect(page.getByTestId("eval-report")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("stat-accuracy")).toContainText(/\d+\.\d%/);
  await expect(page.getByTestId("stat-accuracy")).toContainText("95% Wilson CI");
  await expect(page.getByTestId("stat-sequential")).toContainText(/\d/);
  await expect(page.getByTestId("stat-speedup")).toContainText("×");
  await expect(page.getByTestId("bucket-chart").getByRole("application")).toBeVisible();
  await expect(page.getByTestId("bucket-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("bucket-table")).toContainText("<1k");
  await expect(page.getByTestId("paper-reference")).toContainText("Reported in the paper");
  await expect(page.getByTestId("paper-reference")).toContainText("85.9%");
  await expect(page.getByTestId("sample-row")).toHaveCount(20);
  await page.getByTestId("sample-row").first().click();
  await expect(page.getByTestId("sample-detail")).toContainText("Using the numbers");
  await expect(page.getByTestId("sample-detail")).toContainText("<Plan_1>");
  // The sample's generation opens in the playground's timeline (planner + two executor lanes in round 1).
  await expect(page.getByTestId("sample-timeline").getByTestId("lane-1-1")).toHaveAttribute("data-status", "done");
  await expect(page.getByTestId("sample-timeline").getByTestId("lane-1-2")).toHaveAttribute("data-status", "done");
  await page.getByRole("button", { name: "Close" }).click();
  const csv = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  expect((await csv).suggestedFilename()).toMatch(/\.csv$/);

  // Paired comparison of the two runs.
  await page.goto("/w/demo/evaluations");
  await sprintRow.getByRole("checkbox").check();
  await seqRow.getByRole("checkbox").check();
  await page.getByTestId("compare-link").click();
  await expect(page.getByTestId("eval-compare")).toBeVisible();
  await expect(page.getByTestId("cmp-mcnemar")).toContainText("20 common problems");
  await expect(page.getByTestId("cmp-bootstrap")).toContainText("resamples");
  await expect(page.getByTestId("cmp-row")).toHaveCount(20);

  // A MATH-style set and recorded outputs (no engine).
  await page.goto("/w/demo/evaluations");
  await page.getByLabel("Benchmark name").fill("math-sample");
  await page.getByLabel("Benchmark file").setInputFiles(path.resolve("tests/fixtures/eval/math-sample.jsonl"));
  await page.getByTestId("upload-benchmark").click();
  await expect(page.getByTestId("upload-result")).toContainText("Added math-sample v1 — 10 problems");
  const imp = page.getByTestId("import-panel");
  const mathBench = await imp.getByLabel("Import benchmark").locator("option", { hasText: "math-sample" }).first().getAttribute("value");
  await imp.getByLabel("Import benchmark").selectOption(mathBench!);
  await imp.getByLabel("Output files").setInputFiles(files(path.resolve("tests/fixtures/eval/outputs")));
  await imp.getByTestId("import-outputs").click();
  await expect(page).toHaveURL(/\/w\/demo\/evaluations\/[^/]+$/);
  await expect(page.getByTestId("stat-accuracy")).toContainText("70.0%");
  await expect(page.getByTestId("stat-accuracy")).toContainText("7/10");
  await expect(page.getByTestId("paper-reference")).toContainText("MATH-500");
  // The undecided answer (ℝ vs (−∞, ∞)) is settled by hand; accuracy follows.
  await expect(page.getByTestId("undecided-item")).toHaveCount(1);
  await page.getByTestId("undecided-item").getByRole("button", { name: "Correct" }).click();
  await expect(page.getByTestId("stat-accuracy")).toContainText("80.0%");
  await expect(page.getByTestId("undecided-panel")).toHaveCount(0);

  // Leave the demo workspace as the other specs expect it: no endpoint (the playground spec starts from its guide).
  await page.goto("/w/demo/settings");
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("endpoints-panel").locator("li", { hasText: "eval-fixture" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("endpoints-panel")).not.toContainText("eval-fixture");
});
