/** A workspace with members of every role and a dataset of curated (kept) Countdown trajectories. */
import crypto from "node:crypto";
import type { Prisma, PrismaClient } from "../../server/db/client";
import { contentHash } from "../../server/curation/import/run";
import { countdownDataset } from "../../server/sprint/countdown/trace";
import { pipelineConfigSchema } from "../../server/curation/config";
import { curateTrace, outcomeRowData } from "../../server/curation/curate-trace";
import { heuristicBackend } from "../../server/curation/heuristic";
import { approxTokenizer } from "../../server/sprint/tokenizer";
import { createCaller } from "../../server/api/root";

export async function reviewFixture(db: PrismaClient, opts: { traces: number; seed?: number }) {
  const tag = `rv-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}`;
  const mk = (who: string) => db.user.create({ data: { email: `${who}-${tag}@example.test`, name: who } });
  const [admin, curator, alice, bob, viewer, outsider] = await Promise.all(["admin", "curator", "alice", "bob", "viewer", "outsider"].map(mk));
  const ws = await db.workspace.create({ data: { name: `Review ${tag}`, slug: tag } });
  const roles = { admin: "admin", curator: "curator", alice: "reviewer", bob: "reviewer", viewer: "viewer" } as const;
  const users = { admin: admin!, curator: curator!, alice: alice!, bob: bob!, viewer: viewer!, outsider: outsider! };
  for (const [who, role] of Object.entries(roles)) {
    await db.membership.create({ data: { workspaceId: ws.id, userId: users[who as keyof typeof roles].id, role } });
  }
  const ds = await db.dataset.create({ data: { workspaceId: ws.id, name: `ds-${tag}` } });
  const config = pipelineConfigSchema.parse({ backend: "heuristic", tokenizer: "approx" });
  const trajectoryIds: string[] = [];
  let i = 0;
  for (const r of countdownDataset(opts.seed ?? 7, opts.traces * 3)) {
    if (trajectoryIds.length >= opts.traces) break;
    const trace = await db.trace.create({
      data: {
        datasetId: ds.id,
        externalId: r.id,
        question: r.question,
        reasoning: r.reasoning,
        referenceAnswer: r.answer,
        referenceSolution: r.solution,
        contentHash: contentHash(r.question, r.reasoning),
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i++)),
      },
    });
    const o = await curateTrace(trace, heuristicBackend, config, approxTokenizer);
    if (o.status !== "kept") continue;
    const ct = await db.curatedTrajectory.create({
      data: { datasetId: ds.id, traceId: trace.id, steps: [], dagEdges: {}, stages: {}, ...outcomeRowData(o) } as Prisma.CuratedTrajectoryUncheckedCreateInput,
    });
    trajectoryIds.push(ct.id);
  }
  const as = (who: keyof typeof users) => createCaller({ db, user: { id: users[who].id } });
  const cleanup = async () => {
    await db.workspace.delete({ where: { id: ws.id } }).catch(() => undefined);
    await db.user.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
  };
  return { tag, ws, ds, users, trajectoryIds, as, cleanup };
}
