import { expect, test } from "@playwright/test";
import fs from "node:fs";
import { countdownDataset } from "../server/sprint/countdown/trace";
import { signInDemo } from "./helpers";

const MALFORMED = [5, 101, 177];
const XSS = [
  `<script>window.__xss = 1; alert("xss")</script>`,
  `<img src="x" onerror="window.__xss = 2">`,
  `[click me](javascript:window.__xss=3)`,
  `<a href="javascript:window.__xss=4">link</a>`,
  `<svg onload="window.__xss=5"></svg>`,
];

/** 200 lines: Countdown traces (licence-clean, generated), 3 malformed lines, an XSS corpus in the first trace. */
function traceFile(): { buffer: Buffer; firstQuestion: string } {
  const recs = [...countdownDataset(4242, 197)];
  const lines: string[] = [];
  let r = 0;
  for (let i = 1; i <= 200; i++) {
    if (MALFORMED.includes(i)) {
      lines.push(i === 101 ? `{"question": "truncated` : `not json at all ${i}`);
      continue;
    }
    const rec = recs[r++]!;
    const reasoning = r === 1 ? `${XSS.join("\n\n")}\n\n${rec.reasoning}` : rec.reasoning;
    lines.push(JSON.stringify({ question: rec.question, reasoning, answer: rec.answer, solution: rec.solution }));
  }
  return { buffer: Buffer.from(`${lines.join("\n")}\n`), firstQuestion: recs[0]!.question };
}


test("upload → error report → offline curation to 100% → trace with stages, DAG, metrics → snapshot → JSONL", async ({ page }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signInDemo(page);

  const name = `Studio e2e ${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New dataset" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const datasetUrl = page.url();

  // Upload with 3 malformed lines: exactly those are reported.
  await page.getByRole("link", { name: "Import traces" }).click();
  const { buffer, firstQuestion } = traceFile();
  await page.getByLabel("Trace file").setInputFiles({ name: "countdown.jsonl", mimeType: "application/x-ndjson", buffer });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("import-issues").getByTestId("issue-line")).toHaveText(MALFORMED.map(String));

  // Offline curation over the 197 traces reaches 100%.
  await page.goto(datasetUrl);
  await expect(page.getByTestId("traces-total")).toHaveText("197 traces");
  await page.getByRole("button", { name: "Run curation" }).click();
  // The method's code is the default rule set; the paper's prose is a named alternative; the active rule is shown.
  await expect(page.getByLabel("Rules")).toHaveValue("paper");
  await expect(page.getByTestId("active-rules")).toContainText("fold executions with end − start < 3 (≤ 3 lines) into their plan; keep ≤ 11 stages; executed steps ÷ stages ≥ 1.5");
  await page.getByLabel("Rules").selectOption("paper-text");
  await expect(page.getByTestId("active-rules")).toContainText("fold executions of fewer than 3 lines into their plan; keep ≤ 11 stages; all steps ÷ stages ≥ 1.5");
  await page.getByLabel("Rules").selectOption("paper");
  await page.getByLabel("Tokenizer").selectOption("approx");
  await page.getByRole("button", { name: /Start run over 197 traces/ }).click();
  const summary = page.getByTestId("run-summary");
  await expect(summary).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await expect(summary.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(summary.getByTestId("run-rules")).toContainText("Rules paper: fold executions with end − start < 3");
  await expect(summary.getByTestId("run-rules")).toContainText("heuristic backend: stages, tokens and reductions are estimates");
  const counts = await summary.getByTestId("run-counts").textContent();
  const kept = Number(/kept (\d+)/.exec(counts ?? "")?.[1]);
  expect(kept).toBeGreaterThan(50);

  // Why a trace was kept or filtered is a column of the table.
  const filtered = Number(/filtered (\d+)/.exec(counts ?? "")?.[1]);
  if (filtered > 0) {
    await page.getByLabel("Status filter").selectOption("filtered");
    await expect(page.getByTestId("traces-total")).toHaveText(`${filtered} traces`);
    await expect(page.getByTestId("trace-reason").first()).toHaveText(/\S/);
    await page.getByLabel("Status filter").selectOption("");
  }

  // Searching inside the reasoning is an explicit option: "click" is only in the first trace's reasoning.
  await page.getByLabel("Search traces").fill("click");
  await expect(page.getByTestId("traces-total")).toHaveText("0 traces");
  await page.getByLabel("Search the reasoning too").check();
  await expect(page.getByTestId("traces-total")).toHaveText("1 traces");
  await page.getByLabel("Search the reasoning too").uncheck();

  // Open the first trace (with the XSS corpus): stages, DAG and metrics show; the corpus is inert text.
  await page.getByLabel("Search traces").fill(firstQuestion.slice(0, 40));
  await expect(page.getByTestId("traces-total")).toHaveText("1 traces");
  await page.getByTestId("trace-row").first().click();
  await expect(page.getByTestId("trace-metrics")).toBeVisible();
  // The heuristic's numbers are labelled estimates; the trace says why it was kept or filtered.
  await expect(page.getByTestId("metric-sequential-tokens")).toHaveText(/^≈[\d,]+$/);
  await expect(page.getByTestId("metric-stages")).toHaveText(/^≈\d+$/);
  await expect(page.getByTestId("estimate-note")).toBeVisible();
  await expect(page.getByTestId("curation-reason")).toHaveText(/^(Kept|Filtered): /);
  await expect(page.getByTestId("dag-view")).toBeVisible();
  expect(await page.getByTestId("dag-node").count()).toBeGreaterThan(1);
  expect(await page.getByTestId("stage").count()).toBeGreaterThan(0);
  await expect(page.getByTestId("original-lines")).toContainText(`<script>window.__xss = 1; alert("xss")</script>`);
  await expect(page.getByTestId("original-lines")).toContainText(`<img src="x" onerror="window.__xss = 2">`);
  expect(await page.locator('[data-testid=original-lines] img, [data-testid=original-lines] script, [data-testid=original-lines] svg[onload]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  await page.getByText("click me").click().catch(() => undefined);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);

  // Snapshot of the kept trajectories; the JSONL has one line per item.
  await page.goto(datasetUrl);
  await page.getByRole("button", { name: "Create snapshot" }).click();
  const snap = page.getByTestId("snapshots-list").locator("li").first();
  await expect(snap.getByTestId("snapshot-items")).toHaveText(String(kept));
  const download = page.waitForEvent("download");
  await snap.getByTestId("download-all").click();
  const file = await (await download).path();
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  expect(lines).toHaveLength(kept);
  const row = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
  expect(row.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(row.messages[1]!.content).toMatch(/^<think>\n<Plan_1>/);
});
