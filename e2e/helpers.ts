/** Steps several e2e specs share: the seeded demo admin, signing in as it, a new dataset, a JSONL import. */
import { expect, type Page } from "@playwright/test";

export const DEMO = { email: "demo@sprint.studio", password: process.env.SPRINT_DEMO_PASSWORD ?? "sprint-demo" };

/** Signs in as the demo admin and lands in its studio. */
export async function signInDemo(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/w\/demo\/studio$/);
}

/** Creates a dataset in the demo workspace and returns its page URL. */
export async function newDataset(page: Page, name: string): Promise<string> {
  await page.goto("/w/demo/studio");
  await page.getByRole("button", { name: "New dataset" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  return page.url();
}

/** Imports JSONL lines into the dataset at `datasetUrl` and waits for the import to succeed. */
export async function importLines(page: Page, datasetUrl: string, lines: string[]) {
  await page.goto(`${datasetUrl}/import`);
  await page.getByLabel("Trace file").setInputFiles({ name: "traces.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(`${lines.join("\n")}\n`) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-summary")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
}
