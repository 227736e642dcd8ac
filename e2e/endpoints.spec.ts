import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";

// A fresh account (admin of its own new workspace), so the demo workspace the other specs use stays untouched.
const run = Date.now().toString(36);
const admin = { name: "Eve Endpoints", email: `eve-${run}@example.test`, password: "correct-horse-3" };

// Two OpenAI-compatible servers answering GET /models, recording the Authorization header they receive.
const seen: Record<"a" | "b", (string | undefined)[]> = { a: [], b: [] };
const servers: http.Server[] = [];
async function serve(name: "a" | "b"): Promise<string> {
  const srv = http.createServer((req, res) => {
    seen[name].push(req.headers.authorization);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ object: "list", data: [{ id: `model-${name}` }] }));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  servers.push(srv);
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`;
}
test.afterAll(() => {
  for (const s of servers) s.close();
});

test("endpoints: moving an endpoint to another server asks for that server's key; the old key never goes there", async ({ page }) => {
  const [urlA, urlB] = [await serve("a"), await serve("b")];
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByLabel(/Workspace name/).fill(`Keys ${run}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/w\/keys-[a-z0-9-]+\/studio$/);
  const slug = new URL(page.url()).pathname.split("/")[2]!;

  await page.goto(`/w/${slug}/settings`);
  const panel = page.getByTestId("endpoints-panel");
  await expect(panel).toContainText("No endpoints yet."); // loaded (not "Loading endpoints…")
  await page.getByLabel("Endpoint name").fill("moving");
  await page.getByLabel("Base URL").fill(urlA);
  await page.getByLabel("Model", { exact: true }).fill("m");
  await page.getByLabel("API key", { exact: true }).fill("sk-key-for-a-0001");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const row = panel.getByRole("listitem").filter({ hasText: "moving" });
  await expect(row).toContainText("key …0001");

  // Same server, another path: no key needed.
  await row.getByRole("button", { name: "Edit" }).click();
  const editor = row.getByTestId("endpoint-editor");
  await editor.getByLabel("Edit base URL").fill(`${urlA}/`);
  await expect(editor.getByRole("note")).toHaveCount(0);

  // Another server: the form says why and requires that server's key.
  await editor.getByLabel("Edit base URL").fill(urlB);
  await expect(editor.getByRole("note")).toContainText("different server");
  await expect(editor.getByLabel("New API key")).toHaveAttribute("required", "");
  await editor.getByRole("button", { name: "Save" }).click(); // blocked by the browser: the key is required
  await expect(row).toContainText(urlA.replace(/^http:\/\//, ""));
  await editor.getByLabel("New API key").fill("sk-key-for-b-0002");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText(urlB.replace(/^http:\/\//, ""));
  await expect(row).toContainText("key …0002");

  await row.getByRole("button", { name: "Test" }).click();
  await expect(panel.getByRole("status")).toContainText("model-b");
  expect(seen.b).toEqual(["Bearer sk-key-for-b-0002"]);
  expect(seen.a).toEqual([]);
});
