import { expect, test } from "@playwright/test";
import fs from "node:fs";

// The demo seed (empty database) creates this admin and the "demo" workspace.
const DEMO = { email: "demo@sprint.studio", password: process.env.SPRINT_DEMO_PASSWORD ?? "sprint-demo" };
const MALFORMED = [17, 88, 150];

/** 200 JSONL traces; the lines in MALFORMED are broken JSON. */
function traceFile(): Buffer {
  const lines: string[] = [];
  for (let i = 1; i <= 200; i++) {
    if (MALFORMED.includes(i)) {
      lines.push(i === 88 ? `{"question": "cut off at line ${i}", "reasoning": ` : `this is not JSON (line ${i})`);
      continue;
    }
    lines.push(
      JSON.stringify({
        question: `Using 3, 4 and ${i}, make ${12 + i}. (#${i})`,
        response: `<think>\nFirst, 3 × 4 = 12.\n\nThen 12 + ${i} = ${12 + i}, which is the target.\n</think>\n\nThe expression is 3 × 4 + ${i} = \\boxed{${12 + i}}.`,
        answer: String(12 + i),
      }),
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

test("import 200 traces with 3 malformed lines: the report lists exactly those lines and downloads", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/w\/demo\/studio$/);

  // A new dataset, through the Studio UI; its id comes from the create mutation's answer.
  const name = `Import e2e ${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New dataset" }).click();
  await page.getByLabel("Name").fill(name);
  const created = page.waitForResponse((r) => r.url().includes("datasets.create") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Create" }).click();
  const body = JSON.stringify(await (await created).json());
  const datasetId = /"id":"([^"]+)"/.exec(body)?.[1];
  expect(datasetId, body).toBeTruthy();
  await expect(page.getByTestId(`dataset-${name}`)).toBeVisible();

  await page.goto(`/w/demo/studio/${datasetId}/import`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Import traces into ${name}`);
  await expect(page.getByTestId("back-to-dataset")).toHaveAttribute("href", `/w/demo/studio/${datasetId}`);

  await page.getByLabel("Trace file").setInputFiles({ name: "traces.jsonl", mimeType: "application/x-ndjson", buffer: traceFile() });
  // The preview recognises the shape from the first records.
  await expect(page.getByTestId("import-preview")).toContainText("detected plain");
  await expect(page.getByTestId("import-preview")).toContainText("Using 3, 4 and 1, make 13.");
  await page.getByRole("button", { name: "Import" }).click();

  const summary = page.getByTestId("import-summary");
  await expect(summary).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(summary).toContainText("Rows read200");
  await expect(summary).toContainText("Kept197");
  await expect(summary).toContainText("Invalid3");
  await expect(summary).toContainText("Duplicates0");

  // The error report lists exactly the malformed lines.
  const report = page.getByTestId("import-issues");
  await expect(report.getByTestId("issue-row")).toHaveCount(3);
  await expect(report.getByTestId("issue-line")).toHaveText(MALFORMED.map(String));
  await expect(report.getByTestId("issue-row").first()).toContainText("Invalid JSON");

  // …and downloads as JSONL with the same lines.
  const download = page.waitForEvent("download");
  await report.getByRole("link", { name: "Download report" }).click();
  const file = await (await download).path();
  const rows = fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { line: number; kind: string; reason: string; excerpt: string });
  expect(rows.map((r) => r.line)).toEqual(MALFORMED);
  expect(rows.every((r) => r.kind === "invalid" && r.reason.startsWith("Invalid JSON"))).toBe(true);
  expect(rows[0]?.excerpt).toBe("this is not JSON (line 17)");

  // Uploading the same file again adds nothing: every good line is a duplicate.
  await page.getByLabel("Trace file").setInputFiles({ name: "traces.jsonl", mimeType: "application/x-ndjson", buffer: traceFile() });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(summary).toContainText("Duplicates197", { timeout: 60_000 });
  await expect(summary).toContainText("Kept0");

  // Paste one trace.
  await page.getByLabel("Question").fill("What is 2 + 2?");
  await page.getByLabel("Reasoning").fill("<think>\n2 + 2 = 4.\n</think>\n\n\\boxed{4}");
  await page.getByRole("button", { name: "Add trace" }).click();
  await expect(page.getByTestId("paste-result")).toContainText("think format");

  // The studio list counts the traces.
  await page.goto("/w/demo/studio");
  await expect(page.getByTestId(`dataset-${name}`)).toContainText("198");
});
