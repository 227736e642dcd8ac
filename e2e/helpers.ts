/**
 * Steps several e2e specs share: the seeded demo admin, signing in as it, a new dataset, a JSONL import, an
 * endpoint added in Settings, a member invited and joined in a fresh browser context.
 */
import { expect, type Browser, type Page } from "@playwright/test";

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

/** Adds an OpenAI-compatible endpoint in the demo workspace's Settings and waits until it is listed. */
export async function addEndpoint(page: Page, e: { name: string; url: string; model: string; api?: string }) {
  await page.goto("/w/demo/settings");
  await page.getByLabel("Endpoint name").fill(e.name);
  await page.getByLabel("Base URL").fill(e.url);
  await page.getByLabel("Model", { exact: true }).fill(e.model);
  if (e.api !== undefined) await page.getByLabel("API", { exact: true }).selectOption(e.api);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("endpoints-panel")).toContainText(e.name);
}

/**
 * The admin invites `who` to the demo workspace with `role`; the invitee joins through the link in a fresh
 * browser context. Returns the invitee's page, signed in.
 */
export async function inviteMember(admin: Page, browser: Browser, who: { email: string; name: string; password: string }, role: string): Promise<Page> {
  await admin.goto("/w/demo/settings");
  await admin.getByLabel("Email").fill(who.email);
  await admin.getByLabel("Role", { exact: true }).selectOption(role);
  await admin.getByRole("button", { name: "Create invitation" }).click();
  const link = await admin.getByTestId("invite-link").inputValue();
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill(who.name);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: new RegExp(`^Join .* as ${role}$`) }).click();
  await expect(page.getByTestId("current-role")).toHaveText(role);
  return page;
}
