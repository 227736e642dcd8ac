/**
 * Undecided answers are settled by a person: the decision is stored per workspace under the key (kind,
 * normalized gold, normalized answer) and applied at once to every result in the workspace with that key,
 * and to later gradings (grade.ts).
 */
import type { PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { EvalError, requireRole } from "./errors";
import { decisionKey } from "./grade";

/** Undecided results of a run (the settle queue). */
export async function listUndecided(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.evalRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, select: { id: true } });
  if (!run) throw new EvalError("NOT_FOUND", "No such evaluation in this workspace.");
  return db.evalResult.findMany({
    where: { runId, verdict: "undecided" },
    orderBy: { item: { idx: "asc" } },
    take: 500,
    select: { id: true, sample: true, extracted: true, reason: true, item: { select: { problemId: true, question: true, answer: true, kind: true } } },
  });
}

/** Settles an undecided result (and every other result with the same kind, gold and answer in the workspace). */
export async function settleResult(db: PrismaClient, actor: Actor, input: { resultId: string; verdict: "correct" | "wrong"; note?: string | undefined }) {
  requireRole(actor, "reviewer", "settle undecided answers");
  const r = await db.evalResult.findFirst({ where: { id: input.resultId, run: { workspaceId: actor.workspaceId } }, include: { item: true } });
  if (!r) throw new EvalError("NOT_FOUND", "No such result in this workspace.");
  if (r.autoVerdict !== "undecided" || r.extracted === null) throw new EvalError("BAD_REQUEST", "Only answers the grader left undecided can be settled by hand.");
  const key = decisionKey(r.item.kind, r.item.answer, r.extracted);
  await db.evalDecision.upsert({
    where: { workspaceId_key: { workspaceId: actor.workspaceId, key } },
    create: { workspaceId: actor.workspaceId, key, kind: r.item.kind, gold: r.item.answer, extracted: r.extracted, verdict: input.verdict, decidedById: actor.userId, note: input.note ?? null },
    update: { verdict: input.verdict, decidedById: actor.userId, note: input.note ?? null },
  });
  // Apply to every undecided-by-the-grader result with the same key in this workspace.
  const same = await db.evalResult.findMany({
    where: { autoVerdict: "undecided", run: { workspaceId: actor.workspaceId }, item: { kind: r.item.kind, answer: r.item.answer } },
    select: { id: true, extracted: true, item: { select: { kind: true, answer: true } } },
  });
  const ids = same.filter((s) => s.extracted !== null && decisionKey(s.item.kind, s.item.answer, s.extracted) === key).map((s) => s.id);
  const updated = await db.evalResult.updateMany({ where: { id: { in: ids } }, data: { verdict: input.verdict, reason: "human", decidedBy: actor.userId } });
  await recordAudit(db, actor, "eval.settle", { type: "eval-result", id: r.id }, { verdict: input.verdict, applied: updated.count });
  return { applied: updated.count };
}
