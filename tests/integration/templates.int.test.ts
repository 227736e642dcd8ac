/** Curation prompt templates: validated, versioned per workspace, frozen into LLM runs. */
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { DEFAULT_DAG_TEMPLATE } from "../../server/curation/llm/templates";
import { stopQueue } from "../../server/jobs/queue";

const db = createPrismaClient(process.env.DATABASE_URL);
const tag = `tpl-${Date.now().toString(36)}`;

afterAll(async () => {
  await stopQueue();
  await db.workspace.deleteMany({ where: { slug: tag } });
  await db.user.deleteMany({ where: { email: `${tag}@example.test` } });
  await db.$disconnect();
});

describe("prompt templates", () => {
  it("saves new versions, refuses invalid ones, and freezes the current version into LLM runs", async () => {
    const user = await db.user.create({ data: { email: `${tag}@example.test` } });
    const ws = await db.workspace.create({ data: { name: tag, slug: tag, memberships: { create: { userId: user.id, role: "admin" } } } });
    const api = createCaller({ db, user: { id: user.id } });
    const before = await api.templates.list({ workspaceId: ws.id });
    expect(before.dag.current.user).toBe(DEFAULT_DAG_TEMPLATE.user);
    await expect(api.templates.save({ workspaceId: ws.id, kind: "dag", system: "s", user: "no placeholder here" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/components/),
    });
    const edited = `${DEFAULT_DAG_TEMPLATE.user}\nBe conservative: add an edge only when a result is reused.`;
    const v2 = await api.templates.save({ workspaceId: ws.id, kind: "dag", system: DEFAULT_DAG_TEMPLATE.system, user: edited, note: "conservative" });
    expect(v2.version).toBe(DEFAULT_DAG_TEMPLATE.version + 1);
    const after = await api.templates.list({ workspaceId: ws.id });
    expect(after.dag.current.user).toBe(edited);
    expect(after.dag.versions.map((v) => v.version)).toEqual([v2.version]);

    const ep = await api.endpoints.create({ workspaceId: ws.id, name: "local", baseUrl: "http://127.0.0.1:9/v1", model: "m" });
    const ds = await db.dataset.create({ data: { workspaceId: ws.id, name: "d" } });
    await db.trace.create({ data: { datasetId: ds.id, question: "q", reasoning: "Let me think. 1 + 1 = 2.", contentHash: `${tag}-h` } });
    const started = await api.curation.start({ workspaceId: ws.id, datasetId: ds.id, config: { backend: "llm", endpointId: ep.id } });
    const run = await db.curationRun.findUniqueOrThrow({ where: { id: started.runId } });
    const cfg = run.config as { templates: { dag: { version: number; user: string }; extract: { version: number } } };
    expect(cfg.templates.dag).toMatchObject({ version: v2.version, user: edited });
    expect(cfg.templates.extract.version).toBe(1);
    await api.curation.cancel({ workspaceId: ws.id, runId: run.id });
  });
});
