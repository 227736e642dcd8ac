/**
 * Inter-reviewer agreement of a dataset, from the submitted reviews: Cohen's kappa on the decisions and
 * edge F1 between the DAGs reviewers signed off on (server/sprint/agreement.ts does the maths), per dataset,
 * per reviewer and per pair, and the disagreements a curator should adjudicate.
 */
import type { PrismaClient } from "../db/client";
import { agreementReport as computeAgreement, type ReviewSubmission } from "../sprint/agreement";
import { normalizeDag } from "../sprint/steps";
import { hasRole } from "../auth/roles";
import { z } from "zod";
import { datasetOf, idSchema, reviewers, type Actor } from "./access";

export const agreementInput = z.object({ datasetId: idSchema, edgeF1Threshold: z.number().min(0).max(1).default(0.999) });

export async function agreementReport(db: PrismaClient, actor: Actor, input: { datasetId: string; edgeF1Threshold: number }) {
  await datasetOf(db, actor, input.datasetId);
  const rows = await db.review.findMany({
    where: { trajectory: { datasetId: input.datasetId }, submittedAt: { not: null } },
    orderBy: { submittedAt: "asc" },
    select: { trajectoryId: true, reviewerId: true, status: true, dagEdges: true },
  });
  // Blind review: a non-curator does not see agreement on items they have not decided yet.
  const hidden = new Set<string>();
  if (!hasRole(actor.role, "curator")) {
    const open = await db.review.findMany({
      where: { reviewerId: actor.userId, submittedAt: null, trajectory: { datasetId: input.datasetId } },
      select: { trajectoryId: true },
    });
    for (const o of open) hidden.add(o.trajectoryId);
  }
  const submissions: ReviewSubmission[] = rows.filter((r) => !hidden.has(r.trajectoryId)).map((r) => ({
    itemId: r.trajectoryId,
    reviewerId: r.reviewerId,
    decision: r.status,
    dag: r.dagEdges ? normalizeDag(r.dagEdges).dag : null,
  }));
  const report = computeAgreement(submissions, { f1Threshold: input.edgeF1Threshold });
  const people = new Map((await reviewers(db, actor)).map((p) => [p.userId, p.name ?? p.email]));
  const nameOf = (id: string) => people.get(id) ?? "former member";
  const items = await db.curatedTrajectory.findMany({
    where: { id: { in: report.disagreements.map((d) => d.itemId) } },
    select: { id: true, reviewStatus: true, adjudicated: true, trace: { select: { question: true, externalId: true } } },
  });
  const itemOf = new Map(items.map((i) => [i.id, i]));
  return {
    hiddenItems: hidden.size,
    dataset: report.dataset,
    reviewers: report.reviewers.map((r) => ({
      ...r,
      name: nameOf(r.reviewerId),
      vs: r.vs.map((v) => ({ ...v, name: nameOf(v.reviewerId) })),
    })),
    disagreements: report.disagreements.map((d) => {
      const it = itemOf.get(d.itemId);
      return {
        ...d,
        question: it?.trace.question.slice(0, 200) ?? "",
        externalId: it?.trace.externalId ?? null,
        reviewStatus: it?.reviewStatus ?? null,
        adjudicated: it?.adjudicated ?? false,
        decisions: d.decisions.map((x) => ({ ...x, name: nameOf(x.reviewerId) })),
        edgePairs: d.edgePairs.map((p) => ({ ...p, nameA: nameOf(p.reviewerA), nameB: nameOf(p.reviewerB) })),
      };
    }),
  };
}
