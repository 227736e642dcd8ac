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
  await page.getByRole("link", { name: /^Settings/ }).first().click(); // the sidebar's (a page may link to Settings too)
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
  await rp.getByRole("link", { name: /^Settings/ }).first().click();
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

// ── #11 security: open redirects, concurrent guessing, sign-out, demo hint ───────────────────────────

async function signUpFresh(page: Page, who: string) {
  const user = { email: `${who}-${run}@example.test`, password: `pw-${who}-${run}` };
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(who);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/w\/[a-z0-9-]+\/studio$/);
  return { ...user, slug: new URL(page.url()).pathname.split("/")[2]! };
}

test("sign-in never redirects off-site, signed in or not", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const u = await signUpFresh(page, "redir");
  // Already signed in: /sign-in?next=… redirects at once.
  for (const next of ["//evil.example/x", "/\\evil.example/x", "/\\/evil.example/x", "https://evil.example/x", "/%09/evil.example", "/a/../..//evil.example"]) {
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    expect(new URL(page.url()).origin, next).toBe(origin);
    expect(new URL(page.url()).hostname, next).not.toBe("evil.example");
  }
  await page.goto(`/sign-in?next=${encodeURIComponent(`/w/${u.slug}/settings`)}`);
  await expect(page).toHaveURL(new RegExp(`/w/${u.slug}/settings$`));

  // Signed out: the form's hidden `next` goes through the same check in the sign-in action.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  for (const next of ["/\\evil.example/x", "//evil.example/x"]) {
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(u.email);
    await page.getByLabel("Password").fill(u.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("workspace-name")).toBeVisible();
    expect(new URL(page.url()).origin, next).toBe(origin);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
  }
  // A forged form post with an off-site `next` (no page involved) also stays on the site.
  await page.goto("/sign-in?next=/w/nowhere");
  await page.locator('input[name="next"]').evaluate((el) => ((el as HTMLInputElement).value = "/\\evil.example/x"));
  await page.getByLabel("Email").fill(u.email);
  await page.getByLabel("Password").fill(u.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("workspace-name")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(origin);
});

test("concurrent guesses: at most 5 are checked, the right password among them is refused; another address still gets in", async ({ browser, playwright, baseURL }) => {
  const ctx = await browser.newContext();
  const u = await signUpFresh(await ctx.newPage(), "target");
  await ctx.close();

  const api = await playwright.request.newContext({ baseURL });
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const attempt = (password: string, address: string) =>
    api.post("/api/auth/callback/credentials", {
      form: { email: u.email, password, csrfToken, callbackUrl: `${baseURL}/` },
      headers: { "x-forwarded-for": address },
      maxRedirects: 0,
    });
  const outcome = async (r: Awaited<ReturnType<typeof attempt>>) => {
    const loc = r.headers()["location"] ?? "";
    if (/code=rate_limited/.test(loc)) return "rate_limited";
    if (/error=/.test(loc)) return "wrong";
    return /authjs\.session-token=[^;]+/.test(r.headers()["set-cookie"] ?? "") ? "signed_in" : `other ${r.status()} ${loc}`;
  };

  const attacker = "203.0.113.9";
  const wrong = Array.from({ length: 12 }, (_, i) => attempt(`wrong-${i}`, attacker));
  await new Promise((r) => setTimeout(r, 30));
  const right = attempt(u.password, attacker);
  const results = await Promise.all([...(await Promise.all(wrong)).map(outcome), outcome(await right)]);
  const checked = results.filter((r) => r === "wrong" || r === "signed_in").length;
  expect(results.every((r) => ["wrong", "rate_limited", "signed_in"].includes(r)), results.join(", ")).toBe(true);
  expect(checked, results.join(", ")).toBeLessThanOrEqual(5);
  expect(results.filter((r) => r === "rate_limited").length).toBeGreaterThanOrEqual(8);
  expect(results.at(-1), results.join(", ")).toBe("rate_limited");
  // Once the limit is hit, the right password from that address is refused too…
  expect(await outcome(await attempt(u.password, attacker))).toBe("rate_limited");
  // …while the owner, from their own address, is not locked out.
  expect(await outcome(await attempt(u.password, "192.0.2.44"))).toBe("signed_in");
  await api.dispose();

  // The sign-in page says what happened, in words.
  const page = await browser.newPage({ extraHTTPHeaders: { "x-forwarded-for": attacker } });
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(u.email);
  await page.getByLabel("Password").fill(u.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Too many failed attempts. Wait 15 minutes and try again.");
  await page.close();
});

test("sign-out ends the session: the old cookie is refused afterwards", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const u = await signUpFresh(page, "signout");
  const cookies = await ctx.cookies();
  expect(cookies.some((c) => c.name.includes("session-token"))).toBe(true);

  // The same cookie works in another browser before sign-out…
  const copy = await browser.newContext();
  await copy.addCookies(cookies);
  const p2 = await copy.newPage();
  await p2.goto(`/w/${u.slug}/studio`);
  await expect(p2.getByTestId("workspace-name")).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // …and not after: a kept copy of the cookie is refused.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const p3 = await replay.newPage();
  await p3.goto(`/w/${u.slug}/studio`);
  await expect(p3).toHaveURL(/\/sign-in\?next=/);
  const session = (await (await p3.request.get("/api/auth/session")).json()) as unknown;
  expect(session).toBeNull();
  await p2.reload();
  await expect(p2).toHaveURL(/\/sign-in\?next=/);
  await Promise.all([ctx.close(), copy.close(), replay.close()]);
});

test("the sign-in page tells about the demo workspace", async ({ page }) => {
  await page.goto("/sign-in");
  const hint = page.getByTestId("demo-hint");
  await expect(hint).toContainText("A demo workspace is set up on this server.");
  await expect(hint).toContainText("demo@sprint.studio");
  // The seed's default password is shown while it is still the password (a custom one never is).
  if (!process.env.SPRINT_DEMO_PASSWORD || process.env.SPRINT_DEMO_PASSWORD === "sprint-demo") await expect(hint).toContainText("sprint-demo");
});
