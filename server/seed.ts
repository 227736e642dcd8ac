/**
 * Demo seed: on an empty database (no users), creates a demo admin and a demo workspace with a dataset of
 * generated Countdown traces (licence-clean: produced by server/sprint/countdown, not copied from anywhere),
 * so a newcomer can click through at once. Idempotent: does nothing once any user exists.
 */
import crypto from "node:crypto";
import type { PrismaClient } from "./db/client";
import { hashPassword } from "./auth/password";

export const DEMO_EMAIL = "demo@sprint.studio";
export const DEFAULT_DEMO_PASSWORD = "sprint-demo";
export const DEMO_TRACE_COUNT = 24;

export interface SeedResult {
  created: boolean;
  email?: string;
  password?: string;
  workspaceSlug?: string;
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
      contentHash: crypto.createHash("sha256").update(`${r.question}\n${r.reasoning}`).digest("hex"),
    })),
  });
  await db.auditEvent.create({ data: { workspaceId: ws.id, actorId: user.id, action: "seed.demo", targetType: "workspace", targetId: ws.id } });
  return { created: true, email: DEMO_EMAIL, password, workspaceSlug: ws.slug };
}
