import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import { strToU8, zipSync } from "fflate";
import { signInDemo } from "./helpers";

// The demo seed (empty database) creates this admin and the "demo" workspace.
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
  await signInDemo(page);

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
  await page.getByRole("button", { name: "Import", exact: true }).click();

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
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(summary).toContainText("Duplicates197", { timeout: 60_000 });
  await expect(summary).toContainText("Kept0");

  // The history lists both imports, newest first, with their counters; "Show" opens an older import's report.
  const history = page.getByTestId("import-history");
  await expect(history.locator("thead th")).toHaveText(["File", "Preset", "Status", "Kept", "Invalid", "Duplicates", "When", "Report"]);
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await expect(history.locator("tbody tr").nth(0).locator("td")).toHaveText(["traces.jsonl", /.+/, "succeeded", "0", "3", "197", /.+/, "Show 200"]);
  await expect(history.locator("tbody tr").nth(1).locator("td")).toHaveText(["traces.jsonl", /.+/, "succeeded", "197", "3", "0", /.+/, "Show 3"]);
  await expect(report.getByTestId("issue-row")).not.toHaveCount(3);
  await history.getByRole("button", { name: "Show 3" }).click();
  await expect(report.getByTestId("issue-line")).toHaveText(MALFORMED.map(String));

  // Paste one trace.
  await page.getByLabel("Question", { exact: true }).fill("What is 2 + 2?");
  await page.getByLabel("Reasoning", { exact: true }).fill("<think>\n2 + 2 = 4.\n</think>\n\n\\boxed{4}");
  await page.getByRole("button", { name: "Add trace" }).click();
  await expect(page.getByTestId("paste-result")).toContainText("think format");

  // The studio list counts the traces.
  await page.goto("/w/demo/studio");
  await expect(page.getByTestId(`dataset-${name}`)).toContainText("198");
});


async function newDataset(page: Page, label: string): Promise<string> {
  const name = `${label} ${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New dataset" }).click();
  await page.getByLabel("Name").fill(name);
  const created = page.waitForResponse((r) => r.url().includes("datasets.create") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Create" }).click();
  const body = JSON.stringify(await (await created).json());
  const datasetId = /"id":"([^"]+)"/.exec(body)?.[1];
  expect(datasetId, body).toBeTruthy();
  await page.goto(`/w/demo/studio/${datasetId}/import`);
  await expect(page.getByTestId("dataset-trace-count")).toHaveText("0");
  return datasetId!;
}

const r1 = (i: number) =>
  `<think>\nWe need ${i} × 7. ${i} × 7 = ${7 * i}.\n\nWait, let me re-check: ${7 * i} ÷ 7 = ${i}. Yes, so the product is ${7 * i}.\n</think>\n\n**Final Answer**\n\\boxed{${7 * i}}`;

test("a NUL byte and a 100,000-deep line are reported per line; the good lines are kept and the header count refreshes", async ({ page }) => {
  await signInDemo(page);
  const datasetId = await newDataset(page, "Hostile");
  const good = (i: number) => JSON.stringify({ question: `What is ${i} × 7?`, response: r1(i), answer: String(7 * i) });
  const lines = [
    good(1),
    `{"question": "raw NUL ${String.fromCharCode(0)} byte", "response": "x"}`,
    good(2),
    `{"question": "deep", "response": "deep", "extra": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    good(3),
  ];
  await page.getByLabel("Trace file").setInputFiles({ name: "hostile.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(lines.join("\n") + "\n") });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const summary = page.getByTestId("import-summary");
  await expect(summary).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(summary).toContainText("Kept3");
  await expect(summary).toContainText("Invalid2");
  const report = page.getByTestId("import-issues");
  await expect(report.getByTestId("issue-line")).toHaveText(["2", "4"]);
  await expect(report.getByTestId("issue-row").nth(0)).toContainText("Invalid JSON");
  await expect(report.getByTestId("issue-row").nth(1)).toContainText("Nested too deeply");
  await expect(page.locator("body")).not.toContainText(/Maximum call stack|unsupported Unicode|invalid byte sequence/);
  // The header counts the new traces without a reload; the next step is curation.
  await expect(page.getByTestId("dataset-trace-count")).toHaveText("3");
  await expect(summary.getByTestId("import-next-step").getByRole("link", { name: "Run curation" })).toHaveAttribute("href", `/w/demo/studio/${datasetId}#curation`);
});

test("pasted JSON Lines: recognised in the one-trace box, imported through the JSON Lines box", async ({ page }) => {
  await signInDemo(page);
  await newDataset(page, "Pasted");
  const jsonl = [1, 2, 3].map((i) => JSON.stringify({ question: `Pasted ${i}: what is ${i} × 7?`, reasoning: r1(i) })).join("\n") + "\nnot json\n";
  // Pasted into the one-trace box, it is not taken as one junk trace.
  await page.getByLabel("Question", { exact: true }).fill("q");
  await page.getByLabel("Reasoning", { exact: true }).fill(jsonl);
  await expect(page.getByTestId("paste-looks-jsonl")).toContainText("This looks like JSON Lines (4 records)");
  await expect(page.getByRole("button", { name: "Add trace" })).toBeDisabled();
  await page.getByRole("button", { name: "Move it to the JSON Lines box" }).click();
  const box = page.getByTestId("paste-jsonl");
  await expect(box.getByLabel("JSON Lines")).toHaveValue(jsonl);
  await box.getByRole("button", { name: "Add these lines" }).click();
  const summary = box.getByTestId("import-summary");
  await expect(summary).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(summary).toContainText("Kept3");
  await expect(summary).toContainText("Invalid1");
  await expect(page.getByTestId("import-issues").getByTestId("issue-line")).toHaveText(["4"]);
  await expect(page.getByTestId("dataset-trace-count")).toHaveText("3");
});

test("a folder of .txt outputs (as files, then as a .zip) with a questions file; question-less traces are not curated", async ({ page }) => {
  await signInDemo(page);
  const datasetId = await newDataset(page, "Outputs");
  const files = [1, 2, 3].map((i) => ({ name: `problem-${i}.txt`, mimeType: "text/plain", buffer: Buffer.from(r1(i).replace(/\n\n\*\*Final Answer[\s\S]*$/, "")) }));
  const questions = [1, 2].map((i) => JSON.stringify({ id: `problem-${i}`, question: `What is $${i} \\times 7$?`, answer: String(7 * i) })).join("\n");
  const card = page.getByTestId("outputs-import");
  await card.getByLabel("Output files (.txt or .zip)").setInputFiles(files);
  await card.getByLabel("Questions file (optional)").setInputFiles({ name: "questions.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(questions) });
  await expect(card.getByTestId("outputs-summary")).toContainText("3 outputs · 2 with a question · 1 without");
  await card.getByRole("button", { name: "Add outputs" }).click();
  const summary = card.getByTestId("import-summary");
  await expect(summary).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(summary).toContainText("Kept3");
  await expect(card.getByTestId("outputs-no-question-note")).toBeVisible();
  await expect(page.getByTestId("dataset-trace-count")).toHaveText("3");

  // The same outputs zipped (one more file inside a folder): only the new one is added, the rest are duplicates.
  const zip = zipSync({
    "run-1/problem-1.txt": strToU8(files[0]!.buffer.toString()),
    "run-1/problem-2.txt": strToU8(files[1]!.buffer.toString()),
    "run-1/problem-3.txt": strToU8(files[2]!.buffer.toString()),
    "run-1/problem-4.txt": strToU8(r1(4)),
    "run-1/README.md": strToU8("notes"),
  });
  await card.getByLabel("Output files (.txt or .zip)").setInputFiles({ name: "outputs.zip", mimeType: "application/zip", buffer: Buffer.from(zip) });
  await expect(card.getByTestId("outputs-summary")).toContainText("4 outputs · 2 with a question · 2 without");
  await expect(card.getByTestId("outputs-skipped")).toContainText("README.md: not a .txt file");
  await card.getByRole("button", { name: "Add outputs" }).click();
  await expect(summary).toContainText("Kept1", { timeout: 60_000 });
  await expect(summary).toContainText("Duplicates3");
  await expect(page.getByTestId("dataset-trace-count")).toHaveText("4");

  // Curation skips the traces without a question, saying why.
  await page.goto(`/w/demo/studio/${datasetId}`);
  await page.getByRole("button", { name: "Run curation" }).click();
  await page.getByLabel("Tokenizer").selectOption("approx");
  await page.getByRole("button", { name: /Start run over 4 traces/ }).click();
  await expect(page.getByTestId("run-summary")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("run-summary").getByTestId("run-counts")).toContainText(/failed [2-4]/);
  const noQuestion = page.getByTestId("trace-reason").and(page.locator("[title^='No question: this trace was imported without one']"));
  await expect(noQuestion).toHaveCount(2);
});
