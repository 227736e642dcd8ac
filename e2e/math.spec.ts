import { expect, test } from "@playwright/test";
import { countdownDataset } from "../server/sprint/countdown/trace";
import { importLines, newDataset, signInDemo } from "./helpers";

// Issue #11: math that renders true, inline math in lists, a 1 MB single-line trace that keeps the page
// interactive, settings deep links and the review keyboard flow.
const run = Date.now().toString(36);
const ARITH = "Quick check of the executor: 4*4=16, 16*4=64, and *this* stays emphasis.";

/** Countdown traces whose questions carry inline LaTeX and whose reasoning multiplies with `*`. */
function mathTraces(n: number): string[] {
  return [...countdownDataset(1111, n)].map((r, i) =>
    JSON.stringify({
      id: `math-${i}`,
      question: `Let $x = \\frac{1}{2}$ and $y = x^{2}$. ${r.question}`,
      reasoning: r.reasoning.replace(/ × /g, "*").replace("\n\n", `\n\n${ARITH}\n\n`),
      answer: r.answer,
    }),
  );
}

test("math renders true: \\boxed is a box, 4*4 is kept, inline math in the trace table and review queue", async ({ page }) => {
  test.setTimeout(240_000);
  await signInDemo(page);
  const name = `Math e2e ${run}`;
  const datasetUrl = await newDataset(page, name);

  // An empty dataset asks for an import, with a link.
  await expect(page.getByTestId("traces-empty")).toContainText("Import traces");
  await expect(page.getByTestId("traces-empty").getByRole("link", { name: "open the importer" })).toHaveAttribute("href", /\/import$/);

  await importLines(page, datasetUrl, mathTraces(12));
  await page.goto(datasetUrl);
  await expect(page.getByTestId("traces-total")).toHaveText("12 traces");

  // Trace table: the question's LaTeX is rendered by KaTeX, not shown raw.
  const firstRow = page.getByTestId("trace-row").first();
  await expect(firstRow.locator(".katex").first()).toBeVisible();
  await expect(firstRow.locator(".katex .mfrac")).toHaveCount(1);
  await expect(firstRow).not.toContainText("\\frac");
  await expect(firstRow).not.toContainText("$");

  // j/k work without clicking into the table first; Enter opens the selected trace.
  await page.locator("body").press("j");
  await expect(page.getByTestId("trace-row").nth(1)).toHaveAttribute("aria-selected", "true");
  await page.locator("body").press("k");
  await expect(firstRow).toHaveAttribute("aria-selected", "true");
  await page.locator("body").press("Enter");
  await expect(page).toHaveURL(/\/traces\/[^/]+$/);

  // `*` between numbers stays multiplication; real emphasis still works.
  const lines = page.getByTestId("original-lines");
  const arith = lines.locator("li", { hasText: "Quick check of the executor" });
  await expect(arith).toContainText("4*4=16, 16*4=64");
  await expect(arith.locator("em")).toHaveText("this");

  // \boxed{…} is drawn as a box: a frame with a border on all four sides, around its content.
  const fbox = lines.locator(".katex .fbox").first();
  await expect(fbox).toBeVisible();
  const box = await fbox.evaluate((el) => {
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const content = el.closest(".vlist")!.querySelector(".boxpad")!.getBoundingClientRect();
    return {
      borders: [cs.borderTopWidth, cs.borderRightWidth, cs.borderBottomWidth, cs.borderLeftWidth].map(parseFloat),
      styles: [cs.borderTopStyle, cs.borderRightStyle, cs.borderBottomStyle, cs.borderLeftStyle],
      width: r.width,
      height: r.height,
      contentWidth: content.width,
      enclosesContent: r.left <= content.left + 0.5 && r.right >= content.right - 0.5,
    };
  });
  for (const b of box.borders) expect(b).toBeGreaterThan(0);
  expect(box.styles).toEqual(["solid", "solid", "solid", "solid"]);
  expect(box.width).toBeGreaterThan(20);
  expect(box.width).toBeGreaterThanOrEqual(box.contentWidth - 0.5);
  expect(box.height).toBeGreaterThan(10);
  expect(box.enclosesContent).toBe(true);

  // Step labels say "Step", and the stage timeline has lane labels, an axis and a legend once curated.
  await page.goto(datasetUrl);
  await page.getByRole("button", { name: "Run curation" }).click();
  await page.getByLabel("Tokenizer").selectOption("approx");
  await page.getByRole("button", { name: /Start run over 12 traces/ }).click();
  await expect(page.getByTestId("run-summary")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
  await page.getByLabel("Status filter").selectOption("kept");
  await page.getByTestId("trace-row").first().click();
  await expect(page.getByTestId("original-lines")).toContainText(/Step 1/);
  await expect(page.getByTestId("stage-timeline-legend")).toContainText("plan");
  await expect(page.getByTestId("stage-timeline-axis")).toContainText("tokens");
  await expect(page.getByTestId("stage-timeline")).toContainText(/exec 1\.\d/);

  // Review queue (all items): the question's math is rendered.
  await page.goto("/w/demo/review");
  await page.getByRole("link", { name }).click();
  await page.getByRole("button", { name: "All items" }).click();
  await page.getByLabel("Status filter").selectOption("unassigned");
  const qrow = page.getByTestId("queue-row").first();
  await expect(qrow.locator(".katex .mfrac")).toHaveCount(1);
  await expect(qrow).not.toContainText("\\frac");
});

test("review keyboard flow: j/k without clicking, Enter opens, approve moves to the next item", async ({ page }) => {
  test.setTimeout(180_000);
  await signInDemo(page);
  const name = `Review keys ${run}`;
  const datasetUrl = await newDataset(page, name);
  await importLines(page, datasetUrl, mathTraces(16));
  await page.goto(datasetUrl);
  await page.getByRole("button", { name: "Run curation" }).click();
  await page.getByLabel("Tokenizer").selectOption("approx");
  await page.getByRole("button", { name: /Start run over 16 traces/ }).click();
  await expect(page.getByTestId("run-summary")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });

  // The demo admin assigns three items to themself.
  await page.goto("/w/demo/review");
  await page.getByRole("link", { name }).click();
  await page.getByRole("tab", { name: "Assign" }).click();
  await page.getByRole("checkbox", { name: /Demo Admin/ }).check();
  await page.getByLabel("Items to assign").fill("3");
  await page.getByLabel("Overlap").fill("1");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByTestId("assign-result")).toContainText("Assigned 3 items");

  await page.getByRole("tab", { name: "Queue" }).click();
  await page.getByRole("button", { name: "My queue" }).click();
  await expect(page.getByTestId("queue-total")).toHaveText("3 items");
  const rows = page.getByTestId("queue-row");
  await expect(rows.nth(0)).toHaveAttribute("aria-current", "true");
  // No click into the table: the keys act on the queue straight away.
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("review-item")).toBeVisible();
  const first = page.url();

  // A curator who also reviews this item sees one set of decision buttons (the override sits behind a disclosure).
  await expect(page.getByTestId("approve")).toBeVisible();
  await expect(page.getByTestId("adjudicate-approve")).toBeHidden();
  await expect(page.getByTestId("curator-override")).toBeVisible();

  // Approve with the keyboard: the next item opens.
  await page.keyboard.press("a");
  await expect(page).not.toHaveURL(first);
  await expect(page.getByTestId("review-flash")).toContainText("Approved");
  await expect(page.getByTestId("review-item")).toBeVisible();
  await page.goto(first);
  await expect(page.getByTestId("my-decision")).toHaveText("approved");

  // The side column collapses (s) and opens again.
  await expect(page.getByTestId("review-layout")).toHaveAttribute("data-side", "open");
  await page.keyboard.press("s");
  await expect(page.getByTestId("review-layout")).toHaveAttribute("data-side", "collapsed");
  await page.keyboard.press("s");
  await expect(page.getByTestId("review-layout")).toHaveAttribute("data-side", "open");
});

test("settings: section navigation with deep links; the base URL starts empty with a placeholder", async ({ page }) => {
  await signInDemo(page);
  await page.setViewportSize({ width: 1280, height: 700 });
  await page.goto("/w/demo/settings#endpoints");
  await expect(page.getByTestId("endpoints-panel")).toBeVisible();
  await expect(page.locator("#endpoints")).toBeInViewport();
  const nav = page.getByTestId("settings-nav");
  await expect(nav.getByRole("link", { name: "Endpoints" })).toHaveAttribute("aria-current", "location");
  await expect(page.getByLabel("Base URL")).toHaveValue("");
  await expect(page.getByLabel("Base URL")).toHaveAttribute("placeholder", /http:\/\/localhost:8000\/v1/);
  await nav.getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL(/#account$/);
  await expect(page.getByTestId("account-panel")).toBeInViewport();
  // The favicon is served.
  const icon = await page.request.get("/icon.svg");
  expect(icon.ok()).toBe(true);
  expect(await icon.text()).toContain("<svg");
});
