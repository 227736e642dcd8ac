/**
 * Demo seed: on an empty database (no users), creates a demo admin and a demo workspace with a dataset of
 * generated Countdown traces (licence-clean: produced by server/sprint/countdown, not copied from anywhere),
 * so a newcomer can click through at once. Idempotent: does nothing once any user exists.
 */
import { recordAudit } from "./audit";
import type { Prisma, PrismaClient } from "./db/client";
import { hashPassword } from "./auth/password";
import { contentHash } from "./curation/import/run";

export const DEMO_EMAIL = "demo@sprint.studio";
export const DEFAULT_DEMO_PASSWORD = "sprint-demo";
export const DEMO_TRACE_COUNT = 24;

export interface SeedResult {
  created: boolean;
  email?: string;
  password?: string;
  workspaceSlug?: string;
}

/** Curates the demo dataset in-process with the offline heuristic backend (a finished run, as if queued). */
async function curateSeedDataset(db: PrismaClient, datasetId: string, userId: string) {
  const { pipelineConfigSchema } = await import("./curation/config");
  const { curateTrace, outcomeRowData } = await import("./curation/curate-trace");
  const { heuristicBackend } = await import("./curation/heuristic");
  const { loadQwenTokenizer } = await import("./sprint/tokenizer");
  const { countReasoning } = await import("./curation/jobs/recount-tokens");
  const tokenizer = await loadQwenTokenizer();
  const config = pipelineConfigSchema.parse({ backend: "heuristic", tokenizer: "qwen" });
  const traces = await db.trace.findMany({ where: { datasetId }, orderBy: { id: "asc" } });
  for (const t of traces) {
    const c = countReasoning(tokenizer, t.reasoning);
    t.reasoningTokens = c.reasoningTokens;
    await db.trace.update({ where: { id: t.id }, data: { reasoningTokens: c.reasoningTokens, lineTokens: c.lineTokens, tokenizer: tokenizer.name } });
  }
  const started = new Date();
  const run = await db.curationRun.create({
    data: { datasetId, createdById: userId, config, configVersion: config.version, total: traces.length, status: "running", startedAt: started },
  });
  const counts = { kept: 0, filtered: 0, failed: 0 };
  for (const t of traces) {
    const o = await curateTrace(t, heuristicBackend, config, tokenizer);
    counts[o.status]++;
    await db.curatedTrajectory.create({
      data: { datasetId, traceId: t.id, runId: run.id, steps: [], dagEdges: {}, stages: {}, ...outcomeRowData(o) } as Prisma.CuratedTrajectoryUncheckedCreateInput,
    });
  }
  await db.curationRun.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date(), ...counts } });
}

export async function seedDemo(db: PrismaClient, opts: { password?: string } = {}): Promise<SeedResult> {
  if ((await db.user.count()) > 0) return { created: false };
  const password = opts.password || DEFAULT_DEMO_PASSWORD;
  const { countdownDataset } = await import("./sprint/countdown/trace");
  const user = await db.user.create({
    data: { email: DEMO_EMAIL, name: "Demo Admin", passwordHash: await hashPassword(password) },
  });
  const ws = await db.workspace.create({
    data: { name: "Demo workspace", slug: "demo", memberships: { create: { userId: user.id, role: "admin" } } },
  });
  const dataset = await db.dataset.create({
    data: {
      workspaceId: ws.id,
      name: "Countdown demo",
      description: `${DEMO_TRACE_COUNT} generated Countdown problems with sequential chains of thought`,
      guidelines: "Check that each parallel prompt is truly independent of the others in its round.",
      createdById: user.id,
    },
  });
  const records = [...countdownDataset(2025, DEMO_TRACE_COUNT)];
  await db.trace.createMany({
    data: records.map((r) => ({
      datasetId: dataset.id,
      externalId: r.id,
      question: r.question,
      reasoning: r.reasoning,
      referenceAnswer: r.answer,
      referenceSolution: r.solution,
      sourceModel: "countdown-solver",
      metadata: { numbers: r.numbers, target: r.target, generator: "server/sprint/countdown", seed: 2025 },
      contentHash: contentHash(r.question, r.reasoning),
    })),
  });
  // A multi-row insert queues its traces for the reasoning's search index (server/curation/search-index.ts):
  // the seed builds it right away instead of leaving it to a job.
  const { indexPendingTraces } = await import("./curation/search-index");
  await indexPendingTraces(db, dataset.id);
  await curateSeedDataset(db, dataset.id, user.id);
  await recordAudit(db, { userId: user.id, workspaceId: ws.id }, "seed.demo", { type: "workspace", id: ws.id });
  return { created: true, email: DEMO_EMAIL, password, workspaceSlug: ws.slug };
}
