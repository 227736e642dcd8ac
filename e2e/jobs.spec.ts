import { expect, test } from "@playwright/test";
import { signInDemo } from "./helpers";

// The demo seed (empty database) creates this admin and a Countdown dataset.

test("a background job recounts a dataset's tokens with progress shown in the UI", async ({ page }) => {
  await signInDemo(page);

  const row = page.getByTestId("dataset-Countdown demo");
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Recount tokens" }).click();
  await expect(row.getByTestId("task-status")).toContainText(/queued|running|succeeded/);
  await expect(row.getByTestId("task-status")).toContainText("succeeded · 100%", { timeout: 60_000 });
  await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(row.getByTestId("reasoning-tokens")).toHaveText(/^[\d,]+$/);
  const tokens = Number((await row.getByTestId("reasoning-tokens").textContent())!.replace(/,/g, ""));
  expect(tokens).toBeGreaterThan(1000);
});
