/**
 * Team review end to end through the tRPC procedures: assignment with overlap, blind reviews, decisions and
 * their aggregation, adjudication, send-back / re-review, comments with anchors and mentions, the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createPrismaClient } from "../../server/db/client";
import { reviewFixture } from "./review-fixture";

const db = createPrismaClient(process.env.DATABASE_URL);
let fx: Awaited<ReturnType<typeof reviewFixture>>;
const W = () => ({ workspaceId: fx.ws.id });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  fx = await reviewFixture(db, { traces: 12 });
  expect(fx.trajectoryIds.length).toBe(12);
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
  await db.$disconnect();
});

describe("assignment", () => {
  it("distributes 10 items over two reviewers with overlap 2; the rest stays unassigned", async () => {
    const curator = fx.as("curator");
    const r = await curator.review.assign({ ...W(), datasetId: fx.ds.id, reviewerIds: [fx.users.alice.id, fx.users.bob.id], count: 10, overlap: 2 });
    expect(r).toMatchObject({ items: 10, assignments: 20 });
    const p = await curator.review.progress({ ...W(), datasetId: fx.ds.id });
    expect(p.items).toBe(10);
    expect(p.unassigned).toBe(2);
    const a = p.reviewers.find((x) => x.userId === fx.users.alice.id)!;
    expect(a).toMatchObject({ assigned: 10, open: 10, submitted: 0 });
    const mine = await fx.as("alice").review.queue({ ...W(), datasetId: fx.ds.id, mine: true });
    expect(mine.total).toBe(10);
    // Keyset pages of 3 walk the same 10 items in order, once each; only the first page counts.
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: typeof mine = await fx.as("alice").review.queue({ ...W(), datasetId: fx.ds.id, mine: true, limit: 3, cursor });
      if (i > 0) expect(page.total).toBeNull();
      paged.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(mine.rows.map((r) => r.id));
    // Overlap larger than the chosen reviewers is refused with a reason.
    await expect(curator.review.assign({ ...W(), datasetId: fx.ds.id, reviewerIds: [fx.users.alice.id], count: 2, overlap: 2 })).rejects.toThrow(/needs at least 2 reviewers/);
    // Viewers are not reviewers.
    await expect(curator.review.assign({ ...W(), datasetId: fx.ds.id, reviewerIds: [fx.users.viewer.id], count: 1, overlap: 1 })).rejects.toThrow(/Not a reviewer/);
  });

  it("manual assignment of the remaining items; unassign", async () => {
    const curator = fx.as("curator");
    const rest = fx.trajectoryIds.slice(10);
    expect(await curator.review.assignManual({ ...W(), trajectoryIds: rest, reviewerIds: [fx.users.alice.id] })).toEqual({ assignments: 2 });
    await curator.review.unassign({ ...W(), trajectoryId: rest[1]!, reviewerId: fx.users.alice.id });
    expect(await code(curator.review.unassign({ ...W(), trajectoryId: rest[1]!, reviewerId: fx.users.alice.id }))).toBe("NOT_FOUND");
    expect((await curator.review.progress({ ...W(), datasetId: fx.ds.id })).unassigned).toBe(1);
  });
});

describe("decisions", () => {
  it("a reviewer cannot review an item that is not theirs", async () => {
    const unassigned = fx.trajectoryIds[11]!;
    expect(await code(fx.as("bob").review.start({ ...W(), trajectoryId: unassigned }))).toBe("FORBIDDEN");
    expect(await code(fx.as("bob").review.submit({ ...W(), trajectoryId: unassigned, decision: "approved" }))).toBe("FORBIDDEN");
  });

  it("is blind until you submit; unanimous approval approves; split decisions wait for adjudication", async () => {
    const [t1, t2] = fx.trajectoryIds as [string, string];
    const alice = fx.as("alice");
    const bob = fx.as("bob");
    await alice.review.start({ ...W(), trajectoryId: t1 });
    expect((await alice.review.item({ ...W(), trajectoryId: t1 })).trajectory.reviewStatus).toBe("in_review");
    await bob.review.submit({ ...W(), trajectoryId: t1, decision: "rejected", note: "step 3 is wrong" });
    // Alice has not submitted: Bob's decision is hidden from her, but she sees that he submitted.
    let view = await alice.review.item({ ...W(), trajectoryId: t1 });
    const bobsForAlice = view.reviews.find((r) => r.reviewerId === fx.users.bob.id)!;
    expect(bobsForAlice).toMatchObject({ hidden: true, status: null, note: null, submitted: true });
    const activity = await alice.review.activity({ ...W(), trajectoryId: t1 });
    expect(activity.some((a) => a.action === "review.submit")).toBe(false);
    // The curator sees everything.
    const cv = await fx.as("curator").review.item({ ...W(), trajectoryId: t1 });
    expect(cv.reviews.find((r) => r.reviewerId === fx.users.bob.id)).toMatchObject({ hidden: false, status: "rejected", note: "step 3 is wrong" });

    const res = await alice.review.submit({ ...W(), trajectoryId: t1, decision: "approved" });
    expect(res).toEqual({ status: "in_review", disagreement: true });
    view = await alice.review.item({ ...W(), trajectoryId: t1 });
    expect(view.reviews.find((r) => r.reviewerId === fx.users.bob.id)).toMatchObject({ hidden: false, status: "rejected" });
    expect(view.disagreement).toBe(true);

    await alice.review.submit({ ...W(), trajectoryId: t2, decision: "approved" });
    expect((await bob.review.submit({ ...W(), trajectoryId: t2, decision: "approved" })).status).toBe("approved");

    const dis = await fx.as("curator").review.queue({ ...W(), datasetId: fx.ds.id, status: "disagreement" });
    expect(dis.rows.map((r) => r.id)).toEqual([t1]);
  });

  it("a curator adjudicates; sends back; re-opens for re-review; all in the audit trail", async () => {
    const [t1, t2] = fx.trajectoryIds as [string, string];
    const curator = fx.as("curator");
    expect(await code(fx.as("alice").review.curatorAction({ ...W(), trajectoryIds: [t1], action: "adjudicate", decision: "approved" }))).toBe("FORBIDDEN");
    await curator.review.curatorAction({ ...W(), trajectoryIds: [t1], action: "adjudicate", decision: "approved", note: "step 3 is fine" });
    let item = await curator.review.item({ ...W(), trajectoryId: t1 });
    expect(item.trajectory).toMatchObject({ reviewStatus: "approved", adjudicated: true, decisionNote: "step 3 is fine", decidedBy: "curator" });
    expect(item.disagreement).toBe(false);

    await curator.review.curatorAction({ ...W(), trajectoryIds: [t2], action: "send_back", note: "split step 2" });
    expect((await curator.review.item({ ...W(), trajectoryId: t2 })).trajectory.reviewStatus).toBe("changes_requested");
    const comments = await curator.comments.list({ ...W(), trajectoryId: t2 });
    expect(comments[0]!.body).toContain("split step 2");

    await curator.review.curatorAction({ ...W(), trajectoryIds: [t2], action: "reopen" });
    item = await curator.review.item({ ...W(), trajectoryId: t2 });
    expect(item.trajectory.reviewStatus).toBe("pending");
    expect(item.reviews.every((r) => !r.submitted)).toBe(true);

    const actions = (await curator.review.activity({ ...W(), trajectoryId: t2 })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["review.submit", "review.send_back", "review.reopen", "review.assign"]));
  });

  it("two reviewers submitting at the same moment: the item ends with their common decision", async () => {
    const t = fx.trajectoryIds[9]!;
    await Promise.all([
      fx.as("alice").review.submit({ ...W(), trajectoryId: t, decision: "approved" }),
      fx.as("bob").review.submit({ ...W(), trajectoryId: t, decision: "approved" }),
    ]);
    expect((await fx.as("curator").review.item({ ...W(), trajectoryId: t })).trajectory.reviewStatus).toBe("approved");
  });

  it("blind: progress and agreement do not tell a reviewer how others decided on items they still have open", async () => {
    const p = await fx.as("alice").review.progress({ ...W(), datasetId: fx.ds.id });
    const bobForAlice = p.reviewers.find((r) => r.userId === fx.users.bob.id)!;
    expect(bobForAlice.approved).toBeNull();
    expect(bobForAlice.submitted).toBeGreaterThan(0);
    expect(p.reviewers.find((r) => r.userId === fx.users.alice.id)!.approved).toBeGreaterThan(0);
    expect((await fx.as("curator").review.progress({ ...W(), datasetId: fx.ds.id })).reviewers.find((r) => r.userId === fx.users.bob.id)!.approved).toBeGreaterThan(0);
  });

  it("bulk actions over several items", async () => {
    const ids = fx.trajectoryIds.slice(4, 8);
    const r = await fx.as("curator").review.curatorAction({ ...W(), trajectoryIds: ids, action: "adjudicate", decision: "rejected" });
    expect(r.updated).toBe(4);
    const rejected = await fx.as("viewer").review.queue({ ...W(), datasetId: fx.ds.id, status: "rejected" });
    expect(rejected.rows.map((x) => x.id).sort()).toEqual([...ids].sort());
  });
});

describe("comments", () => {
  it("threads anchored to a step or an edge, with mentions, resolve and unresolve", async () => {
    const t = fx.trajectoryIds[2]!;
    const alice = fx.as("alice");
    const item = await alice.review.item({ ...W(), trajectoryId: t });
    const steps = item.trajectory.steps as { id: number }[];
    const c = await alice.comments.add({ ...W(), trajectoryId: t, body: `Is this right, @bob? cc @curator-${fx.tag}@example.test`, anchor: { kind: "step", stepId: steps[0]!.id } });
    expect(c.mentions.sort()).toEqual([fx.users.bob.id, fx.users.curator.id].sort());
    await fx.as("bob").comments.add({ ...W(), trajectoryId: t, body: "Yes.", parentId: c.id });
    const reply = await fx.as("bob").comments.list({ ...W(), trajectoryId: t });
    expect(reply).toHaveLength(1);
    expect(reply[0]!.replies.map((r) => r.body)).toEqual(["Yes."]);
    expect(reply[0]!.anchor).toEqual({ kind: "step", stepId: steps[0]!.id });

    const inbox = await fx.as("bob").review.mentions(W());
    expect(inbox.map((m) => m.id)).toEqual([c.id]);
    expect(inbox[0]).toMatchObject({ author: "alice", trajectoryId: t, datasetId: fx.ds.id });
    await fx.as("bob").comments.resolve({ ...W(), commentId: c.id, resolved: true });
    expect(await fx.as("bob").review.mentions(W())).toEqual([]);
    expect((await alice.comments.list({ ...W(), trajectoryId: t }))[0]).toMatchObject({ resolvedBy: "bob" });
    await alice.comments.resolve({ ...W(), commentId: c.id, resolved: false });
    expect((await alice.comments.list({ ...W(), trajectoryId: t }))[0]!.resolvedAt).toBeNull();

    await expect(alice.comments.add({ ...W(), trajectoryId: t, body: "x", anchor: { kind: "step", stepId: 999 } })).rejects.toThrow(/does not have/);
    expect(await code(fx.as("viewer").comments.add({ ...W(), trajectoryId: t, body: "x" }))).toBe("FORBIDDEN");
    expect(await code(fx.as("bob").comments.edit({ ...W(), commentId: c.id, body: "mine now" }))).toBe("FORBIDDEN");
    expect(await code(fx.as("outsider").comments.list({ ...W(), trajectoryId: t }))).toBe("FORBIDDEN");
  });
});

describe("editing, versions and conflicts", () => {
  type S = { id: number; plan: string; prompt?: string; execution?: string };
  const load = async (who: "alice" | "bob" | "curator", t: string) => {
    const item = await fx.as(who).review.item({ ...W(), trajectoryId: t });
    const steps = item.trajectory.steps as S[];
    const dag = item.trajectory.dagEdges as Record<string, number[]>;
    return { item, steps, dag, version: item.trajectory.version };
  };

  it("saves an edit as a new version with recomputed metrics; refuses a cycle; refuses a stale save", async () => {
    const t = fx.trajectoryIds[3]!;
    const { item, steps, dag, version } = await load("bob", t);
    expect(version).toBe(1);
    // An edge whose removal changes the stages: a child with exactly one parent that is not step 1's only child.
    const child = steps.find((s) => (dag[s.id] ?? []).length > 0)!;
    const parent = dag[child.id]![0]!;
    const edited = { ...dag, [child.id]: dag[child.id]!.filter((p) => p !== parent) };
    const saved = await fx.as("bob").trajectories.save({ ...W(), trajectoryId: t, baseVersion: 1, draft: { steps: steps as never, dag: edited }, note: "drop an edge" });
    expect(saved.version).toBe(2);
    const after = await load("bob", t);
    expect(after.version).toBe(2);
    expect(after.dag[child.id]).not.toContain(parent);
    expect(after.item.trajectory.text).toContain("<Plan_1>");
    const before = item.trajectory.metrics as { sequentialTokens: number };
    expect((after.item.trajectory.metrics as { sequentialTokens: number }).sequentialTokens).toBeLessThanOrEqual(before.sequentialTokens);

    // A cycle is refused by the server (the editor refuses it too).
    const cyclic = { ...after.dag, [parent]: [...(after.dag[parent] ?? []), child.id] , [child.id]: [...(after.dag[child.id] ?? []), parent] };
    await expect(fx.as("bob").trajectories.save({ ...W(), trajectoryId: t, baseVersion: 2, draft: { steps: steps as never, dag: cyclic } })).rejects.toThrow(/not valid.*cycle/i);

    // Alice (also assigned) still holds version 1: her save is refused, nothing is overwritten.
    const stale = await fx.as("alice").trajectories.save({ ...W(), trajectoryId: t, baseVersion: 1, draft: { steps: steps as never, dag } }).then(
      () => "saved",
      (e: TRPCError) => `${e.code}: ${e.message}`,
    );
    expect(stale).toMatch(/^CONFLICT: This trajectory changed since you opened it: you edited version 1, it is now version 2 \(saved by bob\)/);
    expect((await load("alice", t)).dag[child.id]).not.toContain(parent);

    // A decided item is not edited by a reviewer (a curator re-opens it first).
    const decided = fx.trajectoryIds[9]!;
    const d = await load("alice", decided);
    await expect(fx.as("alice").trajectories.save({ ...W(), trajectoryId: decided, baseVersion: d.version, draft: { steps: d.steps as never, dag: d.dag } })).rejects.toThrow(/is decided \(approved\)/);

    // Reviewers who are not assigned and viewers cannot edit.
    expect(await code(fx.as("viewer").trajectories.save({ ...W(), trajectoryId: t, baseVersion: 2, draft: { steps: steps as never, dag } }))).toBe("FORBIDDEN");
    const unassigned = fx.trajectoryIds[11]!;
    const u = await load("curator", unassigned);
    expect(await code(fx.as("bob").trajectories.save({ ...W(), trajectoryId: unassigned, baseVersion: u.version, draft: { steps: u.steps as never, dag: u.dag } }))).toBe("FORBIDDEN");
  });

  it("concurrent saves on the same version: exactly one wins", async () => {
    const t = fx.trajectoryIds[8]!;
    const { steps, dag, version } = await load("curator", t);
    const results = await Promise.allSettled(
      [0, 1, 2].map(() => fx.as("curator").trajectories.save({ ...W(), trajectoryId: t, baseVersion: version, draft: { steps: steps as never, dag } })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((x) => x.status === "rejected")) expect(((r as PromiseRejectedResult).reason as TRPCError).code).toBe("CONFLICT");
    expect((await load("curator", t)).version).toBe(version + 1);
  });

  it("history lists both versions, diffs them and restores the first as a new version", async () => {
    const t = fx.trajectoryIds[3]!;
    const h = await fx.as("viewer").trajectories.history({ ...W(), trajectoryId: t });
    expect(h.current).toBe(2);
    expect(h.versions.map((v) => [v.version, v.kind])).toEqual([[2, "edit"], [1, "create"]]);
    expect(h.versions[0]).toMatchObject({ author: "bob", note: "drop an edge" });
    const d = await fx.as("viewer").trajectories.diff({ ...W(), trajectoryId: t, from: 1, to: 2 });
    expect(d.diff.identical).toBe(false);
    expect(d.diff.edges.removed.length + d.diff.edges.added.length).toBeGreaterThan(0);

    expect(await code(fx.as("bob").trajectories.restore({ ...W(), trajectoryId: t, version: 1, baseVersion: 2 }))).toBe("FORBIDDEN");
    const r = await fx.as("curator").trajectories.restore({ ...W(), trajectoryId: t, version: 1, baseVersion: 2 });
    expect(r.version).toBe(3);
    const back = await fx.as("viewer").trajectories.diff({ ...W(), trajectoryId: t, from: 1, to: 3 });
    expect(back.diff.identical).toBe(true);
    const h2 = await fx.as("viewer").trajectories.history({ ...W(), trajectoryId: t });
    expect(h2.versions[0]).toMatchObject({ version: 3, kind: "restore", restoredFrom: 1 });
  });
});

describe("agreement", () => {
  it("kappa and edge F1 over overlapping reviews, disagreements listed", async () => {
    // Items 1 and 2 already have decisions from both (t1 split, t2 both approved; t2 was re-opened since, so only t1 counts).
    const [, , t3, t4] = fx.trajectoryIds as [string, string, string, string];
    await fx.as("alice").review.submit({ ...W(), trajectoryId: t3, decision: "approved" });
    await fx.as("bob").review.submit({ ...W(), trajectoryId: t3, decision: "approved" });
    // Item 4: Bob edited the DAG (v2 → restored v3 = v1's DAG); Alice signs off now on v3, Bob signed off on nothing yet.
    await fx.as("alice").review.submit({ ...W(), trajectoryId: t4, decision: "approved" });
    // Bob still has item 4 open: agreement leaves it out for him.
    const forBob = await fx.as("bob").review.agreement({ ...W(), datasetId: fx.ds.id });
    expect(forBob.hiddenItems).toBeGreaterThan(0);
    expect(forBob.disagreements.map((x) => x.itemId)).not.toContain(t4);
    const rep = await fx.as("viewer").review.agreement({ ...W(), datasetId: fx.ds.id });
    expect(rep.dataset.multiReviewedItems).toBe(3); // t1 (split), t3 and t10 (agree)
    expect(rep.dataset.observedAgreement).toBeCloseTo(2 / 3);
    expect(rep.dataset.meanEdgeF1).toBeCloseTo(1);
    expect(rep.disagreements.map((d) => d.itemId)).toEqual([fx.trajectoryIds[0]]);
    expect(rep.disagreements[0]!.decisions.map((x) => x.name).sort()).toEqual(["alice", "bob"]);
    const alice = rep.reviewers.find((r) => r.reviewerId === fx.users.alice.id)!;
    expect(alice.vs[0]).toMatchObject({ name: "bob", items: 3 });
  });
});
