import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, inviteMember } from "./helpers";

// The demo seed creates this admin and the curated "Countdown demo" dataset in workspace "demo".
const run = Date.now().toString(36);
const A = { name: `Ana ${run}`, email: `ana-${run}@example.test`, password: "reviewer-pass-1" };
const B = { name: `Bo ${run}`, email: `bo-${run}@example.test`, password: "reviewer-pass-2" };

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/w\/demo\//);
}

const invite = (admin: Page, browser: Browser, who: typeof A) => inviteMember(admin, browser, who, "reviewer");

async function openFirstQueueItem(page: Page) {
  await page.goto("/w/demo/review");
  await page.getByRole("link", { name: "Countdown demo" }).click();
  await expect(page.getByTestId("queue-total")).toHaveText("10 items");
  await page.getByTestId("queue-row").first().getByRole("link").click();
  await expect(page.getByTestId("review-item")).toBeVisible();
}

/** Unchecks dependency edges one at a time until one changes the live sequential-token metric (undoing the others). */
async function removeAnEdgeThatChangesTheMetric(page: Page): Promise<string> {
  const boxes = page.locator('[data-testid^="edge-checkbox-"]:checked');
  const n = await boxes.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const box = page.locator('[data-testid^="edge-checkbox-"]:checked').nth(0);
    const id = (await box.getAttribute("data-testid"))!;
    await box.uncheck();
    const metric = page.getByTestId("live-metric-sequential");
    if ((await metric.getAttribute("data-delta")) !== "0") return id;
    // No effect on the metric: keep it removed only if nothing else works; try the next edge.
    if (i === n - 1) return id;
  }
  throw new Error("unreachable");
}

test("team review: assign with overlap, comment, edit with live metrics, conflict, agreement, adjudication, history", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signIn(page, DEMO);
  const pa = await invite(page, browser, A);
  const pb = await invite(page, browser, B);

  // The curator (demo admin) assigns 10 items to the two reviewers with overlap 2.
  await page.goto("/w/demo/review");
  await page.getByRole("link", { name: "Countdown demo" }).click();
  await page.getByRole("tab", { name: "Guidelines" }).click();
  await page.getByLabel("Guidelines").fill("Approve when every **step** is correct and the DAG has no missing edge.");
  await page.getByRole("button", { name: "Save guidelines" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.getByRole("tab", { name: "Assign" }).click();
  await page.getByRole("checkbox", { name: new RegExp(A.name) }).check();
  await page.getByRole("checkbox", { name: new RegExp(B.name) }).check();
  await page.getByLabel("Items to assign").fill("10");
  await page.getByLabel("Overlap").fill("2");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByTestId("assign-result")).toHaveText("Assigned 10 items (20 reviews).");

  // Reviewer A: guidelines beside the item, a comment on a step, approve with the keyboard.
  await openFirstQueueItem(pa);
  const itemUrl = pa.url().split("?")[0]!;
  await expect(pa.getByTestId("guidelines")).toContainText("Approve when every step is correct");
  await expect(pa.getByTestId("item-status")).toHaveText("in review");
  await pa.keyboard.press("?");
  await expect(pa.getByTestId("shortcuts-help")).toContainText("approve");
  await pa.keyboard.press("Escape");
  await pa.getByTestId("comment-step-1").click();
  await expect(pa.getByTestId("compose-anchor")).toHaveText("step 1");
  await pa.getByLabel("New comment").pressSequentially("Step 1 looks right. @bo-");
  await expect(pa.getByTestId("mention-suggestions")).toContainText(B.name);
  await pa.getByLabel("New comment").press("Enter");
  await expect(pa.getByLabel("New comment")).toHaveValue(`Step 1 looks right. @${B.email} `);
  await pa.getByTestId("add-comment").click();
  await expect(pa.getByTestId("comment-thread")).toHaveCount(1);
  await expect(pa.getByTestId("comment-anchor")).toHaveText("step 1");
  await expect(pa.getByTestId("comment-thread")).toContainText(`mentions: ${B.name}`);
  await pa.locator("body").click({ position: { x: 5, y: 5 } });
  await pa.keyboard.press("a");
  // Approving moves on to the next item of the queue; the decision stays on the first.
  await expect(pa.getByTestId("review-flash")).toContainText("Approved");
  await expect(pa).not.toHaveURL((u) => u.toString().split("?")[0] === itemUrl);
  await pa.goto(`${itemUrl}?queue=mine`);
  await expect(pa.getByTestId("my-decision")).toHaveText("approved");

  // Reviewer B opens the same item twice (two tabs), both in edit mode on version 1.
  await pb.goto(itemUrl);
  await expect(pb.getByTestId("other-reviews")).toContainText("submitted · hidden until you submit");
  const pb2 = await pb.context().newPage();
  await pb2.goto(itemUrl);
  for (const p of [pb, pb2]) {
    await p.getByTestId("edit-toggle").click();
    await expect(p.getByTestId("editor")).toHaveAttribute("data-mode", "edit");
  }
  // Tab 1: remove an edge, see the metric change live, save → version 2.
  const before = await pb.getByTestId("live-metric-sequential").getAttribute("data-value");
  await removeAnEdgeThatChangesTheMetric(pb);
  const after = await pb.getByTestId("live-metric-sequential").getAttribute("data-value");
  const delta = await pb.getByTestId("live-metric-sequential").getAttribute("data-delta");
  expect(Number(delta)).not.toBe(0);
  expect(Number(after) - Number(before)).toBe(Number(delta));
  await expect(pb.getByTestId("live-metric-sequential")).toContainText(`(${Number(delta) > 0 ? "+" : "−"}`);
  await pb.getByTestId("save-note").fill("dropped a spurious dependency");
  await pb.getByTestId("save-draft").click();
  await expect(pb.getByTestId("editor")).toHaveAttribute("data-mode", "read");
  await expect(pb.getByText("v2", { exact: true })).toBeVisible();

  // Tab 2 still edits version 1. An edge that would close a cycle is refused inline (the draft is unchanged).
  const edge = (await pb2.locator('[data-testid^="edge-checkbox-"]:checked').first().getAttribute("data-testid"))!;
  const [, parent, child] = /edge-checkbox-(\d+)-(\d+)/.exec(edge)!;
  await pb2.getByTestId(`add-parent-${parent}`).fill(child!);
  await pb2.getByTestId(`add-parent-${parent}`).press("Enter");
  await expect(pb2.getByTestId("op-error")).toContainText(`would create a cycle`);
  // Its save is refused with the conflict view; nothing is overwritten.
  await pb2.locator('[data-testid^="edge-checkbox-"]:checked').first().uncheck();
  await pb2.getByTestId("save-draft").click();
  await expect(pb2.getByTestId("conflict-view")).toBeVisible();
  await expect(pb2.getByTestId("conflict-view")).toContainText("changed since you opened it");
  await expect(pb2.getByTestId("conflict-theirs").getByTestId("diff-view")).toBeVisible();
  await pb2.close();

  // B rejects (after submitting, A's decision becomes visible).
  await pb.reload();
  await pb.getByTestId("reject").click();
  await expect(pb.getByTestId("my-decision")).toHaveText("rejected");
  await expect(pb.getByTestId("other-reviews")).toContainText("approved");

  // The curator sees agreement numbers and the disagreement, and adjudicates.
  await page.goto("/w/demo/review");
  await page.getByRole("link", { name: "Countdown demo" }).click();
  await page.getByRole("tab", { name: "Agreement" }).click();
  await expect(page.getByTestId("agreement-items")).toHaveText("1");
  await expect(page.getByTestId("agreement-observed")).toHaveText("0%");
  await expect(page.getByTestId("agreement-f1")).not.toHaveText("—");
  await expect(page.getByTestId("agreement-disagreements")).toHaveText("1");
  await expect(page.getByTestId("disagreement")).toContainText(/only .*: \d+→\d+/);
  await page.getByTestId("disagreement").getByRole("link", { name: "Adjudicate" }).click();
  await expect(page.getByTestId("item-status")).toHaveText("disagreement");
  await page.getByTestId("adjudicate-approve").click();
  await page.getByTestId("confirm-dialog").getByLabel("Note (optional)").fill("Both DAGs are fine; the edit is an improvement.");
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Approve as curator" }).click();
  await expect(page.getByTestId("item-status")).toHaveText("approved");

  // History shows both versions with a diff.
  await page.getByRole("tab", { name: /History/ }).click();
  await expect(page.getByTestId("history-version-2")).toContainText("dropped a spurious dependency");
  await expect(page.getByTestId("history-version-1")).toBeVisible();
  await expect(page.getByTestId("diff-view").first()).toContainText(/edge|Edge/);
  await expect(page.getByTestId("activity")).toContainText("adjudicated: approved");

  // The command palette knows this page's commands.
  await page.keyboard.press("Control+k");
  await expect(page.getByTestId("command-palette")).toBeVisible();
  await page.getByRole("textbox", { name: "Command" }).fill("review queue countdown");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/w\/demo\/review\/[^/]+$/);
});
