import { expect, test } from "@playwright/test";
import { startProviderFixture, type ProviderFixture } from "../tests/fixtures/finetune-providers";
import { startOpenAIFixture, type OpenAIFixture } from "../tests/fixtures/openai-server";
import { sprintFixtureModel } from "../tests/fixtures/sprint-model";
import { syntheticSpec } from "../server/inference/orchestrator/synthetic";
import { addEndpoint, inviteMember, signInDemo } from "./helpers";

// The demo seed creates this admin and the curated "Countdown demo" dataset in workspace "demo".
const run = Date.now().toString(36);
const CURATOR = { name: `Cora ${run}`, email: `cora-${run}@example.test`, password: "curator-pass-1" };

// A local server following OpenAI's fine-tuning API (the provider), and an OpenAI-compatible server to serve the result.
let provider: ProviderFixture;
let serving: OpenAIFixture;
test.beforeAll(async () => {
  provider = await startProviderFixture({ steps: 12 });
  serving = await startOpenAIFixture({ respond: sprintFixtureModel(syntheticSpec([2], { execWords: 10, planWords: 5 })) });
});
test.afterAll(async () => {
  await provider?.close();
  await serving?.close();
});

test("fine-tune from a snapshot → live loss chart → success → registered version → aliases → lineage → playground", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signInDemo(page);

  // A snapshot of the curated demo dataset, and a serving endpoint for the result.
  await page.goto("/w/demo/studio");
  await page.getByRole("link", { name: "Countdown demo" }).first().click();
  await page.getByRole("button", { name: "Create snapshot" }).click();
  await expect(page.getByTestId("snapshots-list")).toBeVisible();
  await addEndpoint(page, { name: `vllm-${run}`, url: serving.url, model: "served-base" });

  // The admin adds an OpenAI provider account (key encrypted, only its hint shown) and launches with the recipe preset.
  await page.goto("/w/demo/models");
  const providers = page.getByTestId("providers-panel");
  await providers.getByLabel("Provider name").fill(`openai-${run}`);
  await providers.getByLabel("Provider kind").selectOption("openai");
  await providers.getByLabel("Provider base URL").fill(provider.urls.openai);
  await providers.getByLabel("Provider API key").fill("sk-e2e-secret-9876");
  await providers.getByRole("button", { name: "Add provider" }).click();
  await expect(providers).toContainText(`openai-${run}`);
  await expect(providers).toContainText("…9876");
  await expect(providers).not.toContainText("sk-e2e-secret");

  const form = page.getByTestId("launch-form");
  await form.getByLabel("Provider").selectOption({ label: `openai-${run} (OpenAI)` });
  await form.getByLabel("Dataset").selectOption({ label: "Countdown demo" });
  await expect(form.getByLabel("Epochs")).toHaveValue("5");
  await expect(form.getByLabel("Learning rate")).toHaveValue("0.00001");
  await form.getByLabel("LoRA").check();
  await expect(form.getByRole("note")).toContainText("did not learn");
  await form.getByLabel("Full fine-tune").check();
  await form.getByLabel("Base model").fill("gpt-4.1-mini-2025-04-14");
  await form.getByRole("button", { name: "Check limits & price" }).click();
  await expect(form.getByTestId("quote")).toContainText("full ✓");
  await form.getByRole("button", { name: "Launch fine-tune" }).click();

  // The job page: the worker polls the provider with no help from the browser; the chart grows to 12 steps.
  await expect(page).toHaveURL(/\/w\/demo\/models\/finetunes\/[^/]+$/);
  const jobUrl = page.url();
  const chart = page.getByTestId("loss-chart").locator("[data-points]");
  await expect(chart).toBeVisible({ timeout: 60_000 });
  const first = Number(await chart.getAttribute("data-points"));
  expect(first).toBeLessThan(12);
  await expect(chart).toHaveAttribute("data-points", "12", { timeout: 90_000 });
  await expect(page.getByTestId("loss-chart").locator(".recharts-line").first()).toBeVisible();
  await expect(page.getByTestId("finetune-status").first()).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("status-timeline")).toContainText("succeeded");
  await expect(page.getByTestId("event-log")).toContainText("The job has successfully completed");
  await expect(page.getByTestId("checkpoints")).toContainText("step 12");
  await expect(page.getByTestId("output-location")).toContainText("ft:gpt-4.1-mini");

  // Register the result as v1 of a new model, served by the endpoint.
  await page.getByRole("button", { name: "Register as a model version" }).click();
  const reg = page.getByTestId("register-form");
  await reg.getByLabel("New model name").fill(`sprint-${run}`);
  await reg.getByLabel("Serving endpoint").selectOption({ label: `vllm-${run} (${serving.url})` });
  await reg.getByLabel("Tags").fill("countdown, e2e");
  await reg.getByRole("button", { name: "Register version" }).click();
  await page.getByRole("link", { name: `sprint-${run} v1` }).click();
  await expect(page.getByTestId("version-view")).toContainText("ft:gpt-4.1-mini");

  // Alias staging → v1, then the admin protects it.
  await page.getByRole("link", { name: `sprint-${run}`, exact: true }).click();
  await page.getByTestId("alias-form").getByLabel("Alias", { exact: true }).fill("staging");
  await page.getByRole("button", { name: "Set alias" }).click();
  await expect(page.getByTestId("aliases")).toContainText("@staging");
  await page.getByTestId("aliases").getByRole("button", { name: "Protect" }).click();
  await expect(page.getByTestId("aliases").getByLabel("protected")).toBeVisible();
  await expect(page.getByTestId("alias-history")).toContainText("protect");
  const modelUrl = page.url();
  await page.goto("/w/demo/models");
  await expect(page.getByTestId("registry")).toContainText("@staging");
  // The list tables: the model's row in the registry, the job's row in the fine-tune list.
  const registry = page.getByTestId("registry");
  await expect(registry.locator("thead th")).toHaveText(["Model", "Aliases", "Versions", "Latest"]);
  await expect(registry.locator("tbody tr", { hasText: `sprint-${run}` }).locator("td")).toHaveText([`sprint-${run}`, /@staging.*v1/, "1", /^v1 · /]);
  const jobId = new URL(jobUrl).pathname.split("/").pop() ?? "";
  const jobs = page.getByTestId("finetune-list");
  await expect(jobs.locator("thead th")).toHaveText(["Name", "Provider", "Base model", "Data", "Status", "Started"]);
  await expect(jobs.locator("tbody tr", { has: page.locator(`a[href$="/finetunes/${jobId}"]`) }).locator("td")).toHaveText([
    /.+/,
    `openai-${run}`,
    "gpt-4.1-mini-2025-04-14 · full",
    /^Countdown demo v\d+$/,
    "succeeded",
    /.+/,
  ]);

  // A curator cannot move the protected alias.
  const cp = await inviteMember(page, browser, CURATOR, "curator");
  await cp.goto(modelUrl);
  await cp.getByTestId("alias-form").getByLabel("Alias", { exact: true }).fill("staging");
  await cp.getByRole("button", { name: "Set alias" }).click();
  await expect(cp.getByTestId("model-error")).toContainText('Moving the protected alias "staging" needs the admin role');
  await expect(cp.getByTestId("aliases").getByRole("button", { name: "Protect" })).toHaveCount(0);
  await cp.context().close();

  // An external model already served by the endpoint becomes v2 (numbers are never reused).
  await page.goto(modelUrl);
  const ext = page.getByTestId("external-version-form");
  await ext.getByLabel("Serving endpoint").selectOption({ label: `vllm-${run} · served-base` });
  await ext.getByLabel("Base model").fill("Qwen/Qwen2.5-7B-Instruct");
  await ext.getByRole("button", { name: "Register version" }).click();
  await expect(page.getByTestId("version-row-2")).toContainText("external");
  await expect(page.getByTestId("versions").locator("thead th")).toHaveText(["Version", "Aliases", "Source", "Serving", "Tags", "Created"]);
  await expect(page.getByTestId("version-row-2").locator("td")).toHaveText(["v2", "", "external", `vllm-${run} · served-base`, /.*/, /.+/]);
  await expect(page.getByTestId("version-row-1").locator("td").nth(4)).toHaveText("countdown, e2e");

  // Lineage, both ways: the version's graph reaches back to the dataset; its fine-tune node opens the job.
  await page.getByTestId("version-row-1").getByRole("link", { name: "v1" }).click();
  const graph = page.getByTestId("lineage-graph");
  for (const kind of ["dataset", "snapshot", "finetune", "checkpoint", "version"]) await expect(graph.locator(`[data-kind="${kind}"]`).first()).toBeVisible();
  await expect(graph.locator('[data-kind="dataset"]')).toContainText("Countdown demo");
  await graph.locator('[data-kind="finetune"]').first().click();
  await expect(page).toHaveURL(jobUrl);
  await expect(page.getByTestId("lineage-graph").locator('[data-kind="version"]')).toContainText(`sprint-${run} v1`);
  await page.getByTestId("lineage-graph").locator('[data-kind="version"]').first().click();

  // Model card, then Open in playground with the version preselected.
  await page.getByRole("button", { name: "Model card" }).click();
  await expect(page.getByTestId("model-card")).toContainText("base_model:");
  await page.getByRole("link", { name: "Open in playground" }).click();
  await expect(page).toHaveURL(/\/w\/demo\/playground\?modelVersion=/);
  await expect(page.getByTestId("model-picker")).toHaveValue(/^mv:/);
  await expect(page.getByTestId("model-picker").locator("option:checked")).toContainText(`sprint-${run} v1 @staging`);

  // Leave the demo workspace as the other specs expect it: no endpoint (the playground spec starts from its guide).
  await page.goto("/w/demo/settings");
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("endpoints-panel").locator("li", { hasText: `vllm-${run}` }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("endpoints-panel")).not.toContainText(`vllm-${run}`);
});
