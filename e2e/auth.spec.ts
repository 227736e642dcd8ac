import { expect, test, type Page } from "@playwright/test";

const run = Date.now().toString(36);
const admin = { name: "Ada Admin", email: `ada-${run}@example.test`, password: "correct-horse-1" };
const reviewer = { name: "Rey Reviewer", email: `rey-${run}@example.test`, password: "battery-staple-2" };

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("sign up, invite a reviewer, reviewer sees the workspace read-only, sign out", async ({ page, browser }) => {
  // Sign up: a new account becomes admin of its own new workspace.
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByLabel(/Workspace name/).fill(`Lab ${run}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/w\/lab-[a-z0-9-]+\/studio$/);
  const slug = new URL(page.url()).pathname.split("/")[2]!;
  await expect(page.getByTestId("workspace-name")).toHaveText(`Lab ${run}`);
  await expect(page.getByTestId("current-role")).toHaveText("admin");
  // Empty workspace: the empty state says what to do next.
  await expect(page.getByTestId("empty-state")).toContainText("No datasets yet");
  await expect(page.getByRole("button", { name: "New dataset" })).toBeEnabled();

  // Every section of the workspace is reachable.
  for (const [link, heading] of [
    ["Review", "Review"],
    ["Playground", "Playground"],
    ["Models", "Models"],
    ["Evaluations", "Evaluations"],
  ] as const) {
    await page.getByRole("link", { name: new RegExp(`^${link}`) }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }

  // Invite a reviewer.
  await page.getByRole("link", { name: /^Settings/ }).click();
  await page.getByLabel("Email").fill(reviewer.email);
  await page.getByLabel("Role", { exact: true }).selectOption("reviewer");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]+$/);
  await expect(page.getByText(`${reviewer.email} · reviewer`)).toBeVisible();
  await signOut(page);

  // The reviewer opens the link in a fresh browser and signs up through it.
  const ctx = await browser.newContext();
  const rp = await ctx.newPage();
  await rp.goto(link);
  await expect(rp.getByRole("heading", { name: `Join Lab ${run}` })).toBeVisible();
  await expect(rp.getByLabel("Email")).toHaveValue(reviewer.email);
  await rp.getByLabel("Your name").fill(reviewer.name);
  await rp.getByLabel("Password").fill(reviewer.password);
  await rp.getByRole("button", { name: `Join Lab ${run} as reviewer` }).click();
  await expect(rp).toHaveURL(new RegExp(`/w/${slug}/studio$`));
  await expect(rp.getByTestId("current-role")).toHaveText("reviewer");

  // Read-only where appropriate: no dataset creation, no member management.
  await expect(rp.getByRole("button", { name: "New dataset" })).toBeDisabled();
  await expect(rp.getByTestId("empty-state")).toContainText("A curator or admin creates datasets");
  await rp.getByRole("link", { name: /^Settings/ }).click();
  await expect(rp.getByTestId("members-table")).toContainText(admin.email);
  await expect(rp.getByTestId("members-table")).toContainText(reviewer.email);
  await expect(rp.getByRole("button", { name: "Create invitation" })).toHaveCount(0);
  await expect(rp.getByRole("combobox")).toHaveCount(0);

  // The invitation link is single-use.
  await rp.goto(link);
  await expect(rp.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();

  // Another workspace's pages are forbidden to the reviewer.
  await rp.goto("/w/demo/studio");
  await expect(rp.getByRole("heading", { name: "You don't have access to this workspace" })).toBeVisible();

  // Sessions are revocable: the reviewer is also signed in on a second device; "sign out everywhere" ends both.
  const ctx2 = await browser.newContext();
  const other = await ctx2.newPage();
  await other.goto("/sign-in");
  await other.getByLabel("Email").fill(reviewer.email);
  await other.getByLabel("Password").fill(reviewer.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(new RegExp(`/w/${slug}/studio$`));

  await rp.goto(`/w/${slug}/settings`);
  await rp.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(rp).toHaveURL(/\/sign-in/);
  await other.goto(`/w/${slug}/studio`);
  await expect(other).toHaveURL(/\/sign-in\?next=/);
  await ctx2.close();

  // Signing in again works; then a plain sign-out.
  await rp.getByLabel("Email").fill(reviewer.email);
  await rp.getByLabel("Password").fill(reviewer.password);
  await rp.getByRole("button", { name: "Sign in" }).click();
  await expect(rp).toHaveURL(new RegExp(`/w/${slug}/studio$`));
  await signOut(rp);
  await rp.goto(`/w/${slug}/studio`);
  await expect(rp).toHaveURL(/\/sign-in\?next=/);
  await ctx.close();
});

test("wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong email or password.");
});

test("health reports the database mode and queue", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { status: string; db: { mode: string; ok: boolean }; queue: { ok: boolean } };
  expect(body.status).toBe("ok");
  expect(body.db.ok).toBe(true);
  expect(["server", "embedded"]).toContain(body.db.mode);
  expect(body.queue.ok).toBe(true);
});
