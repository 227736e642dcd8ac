/**
 * Authorization matrix over every tRPC procedure, generated from the router: each procedure must have a rule
 * here (a new procedure without one fails), its declared access must match, and every role × procedure call
 * is checked — allowed roles get past authorization, weaker roles get FORBIDDEN, non-members of the
 * workspace get FORBIDDEN, and anonymous callers get UNAUTHORIZED.
 * Inputs point at ids that do not exist where a call would destroy fixtures, so an allowed call ends in
 * NOT_FOUND/BAD_REQUEST after passing authorization.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter, createCaller } from "../../server/api/root";
import type { Access } from "../../server/api/trpc";
import { createPrismaClient } from "../../server/db/client";
import { ROLES, hasRole, type Role } from "../../server/auth/roles";

// Route handlers ask Auth.js for the session: here it is whoever `session.userId` says.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../../server/auth", () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));

const db = createPrismaClient(process.env.DATABASE_URL);
const tag = `authz-${Date.now().toString(36)}`;

interface Fixture {
  workspaceId: string;
  otherWorkspaceId: string;
  datasetId: string;
  importId: string;
  snapshotId: string;
  runId: string;
  users: Record<Role | "outsider", string>;
}
let fx: Fixture;

/** Expected access of every procedure, and a valid-shaped input for it. */
const RULES: Record<string, { access: Access; input: (f: Fixture, n: number) => unknown }> = {
  "account.me": { access: "authenticated", input: () => undefined },
  "account.revokeMySessions": { access: "authenticated", input: () => undefined },
  "account.changePassword": { access: "authenticated", input: () => ({ current: "not-the-password", next: "new-password-123" }) },
  "account.invitation": { access: "public", input: () => ({ token: "no-such-token-000" }) },
  "account.acceptInvitation": { access: "authenticated", input: () => ({ token: "no-such-token-000" }) },
  "workspace.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "workspace.rename": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, name: `Renamed ${tag}` }) },
  "workspace.auditLog": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId }) },
  "members.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "members.invitations": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId }) },
  "members.invite": { access: "admin", input: (f, n) => ({ workspaceId: f.workspaceId, email: `inv${n}-${tag}@example.test`, role: "viewer" }) },
  "members.revokeInvitation": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, invitationId: "missing" }) },
  "members.changeRole": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, userId: "missing", role: "viewer" }) },
  "members.remove": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, userId: "missing" }) },
  "members.revokeSessions": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, userId: "missing" }) },
  "datasets.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "datasets.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "datasets.create": { access: "curator", input: (f, n) => ({ workspaceId: f.workspaceId, name: `ds-${n}-${tag}` }) },
  "tasks.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "tasks.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, taskId: "missing" }) },
  "tasks.latestForDataset": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, kind: "recount-tokens", datasetId: f.datasetId }) },
  "tasks.cancel": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, taskId: "missing" }) },
  "tasks.recountTokens": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing" }) },
  "curation.start": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing" }) },
  "curation.runs": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "curation.run": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "curation.cancel": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "traces.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "traces.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, traceId: "missing" }) },
  "snapshots.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "endpoints.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "endpoints.create": { access: "admin", input: (f, n) => ({ workspaceId: f.workspaceId, name: `ep-${n}-${tag}`, baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: "sk-secret-value" }) },
  "endpoints.update": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, endpointId: "missing" }) },
  "endpoints.remove": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, endpointId: "missing" }) },
  "endpoints.test": { access: "admin", input: (f) => ({ workspaceId: f.workspaceId, endpointId: "missing" }) },
  "imports.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "imports.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, importId: "missing" }) },
  "imports.issues": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, importId: "missing" }) },
  "imports.cancel": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, importId: "missing" }) },
  "imports.pasteTrace": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing", question: "q?", reasoning: "some reasoning" }) },
  "templates.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "templates.save": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, kind: "dag", system: "s", user: "no placeholder" }) },
  "review.mentions": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "review.reviewers": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "review.queue": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "review.progress": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "review.item": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing" }) },
  "review.activity": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing" }) },
  "review.agreement": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, datasetId: f.datasetId }) },
  "review.assign": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing", reviewerIds: ["missing"], count: 1, overlap: 1 }) },
  "review.assignManual": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, trajectoryIds: ["missing"], reviewerIds: ["missing"] }) },
  "review.unassign": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", reviewerId: "missing" }) },
  "review.start": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing" }) },
  "review.submit": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", decision: "approved" }) },
  "review.curatorAction": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, trajectoryIds: ["missing"], action: "reopen" }) },
  "review.setGuidelines": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing", guidelines: "x" }) },
  "comments.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing" }) },
  "comments.add": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", body: "hi" }) },
  "comments.edit": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, commentId: "missing", body: "hi" }) },
  "comments.resolve": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, commentId: "missing", resolved: true }) },
  "comments.remove": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, commentId: "missing" }) },
  "trajectories.history": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing" }) },
  "trajectories.version": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", version: 1 }) },
  "trajectories.diff": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", from: 1, to: 2 }) },
  "trajectories.save": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", baseVersion: 1, draft: { steps: [], dag: {} } }) },
  "trajectories.restore": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, trajectoryId: "missing", version: 1, baseVersion: 1 }) },
  "inference.options": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "inference.start": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, endpointId: "missing", question: "1+1?" }) },
  "inference.get": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "inference.events": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "inference.cancel": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "inference.list": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "inference.share": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "inference.shareLinks": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "inference.revokeShare": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, shareLinkId: "missing" }) },
  "inference.sendToStudio": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing", datasetId: "missing" }) },
  "eval.benchmarks": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "eval.benchmark": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, benchmarkId: "missing" }) },
  "eval.uploadBenchmark": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, name: "b", fileName: "b.jsonl", content: "{not json" }) },
  "eval.generateCountdown": { access: "curator", input: (f, n) => ({ workspaceId: f.workspaceId, name: `cd-${n}-${tag}`, seed: "1", count: 2 }) },
  "eval.start": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, benchmarkId: "missing", endpointId: "missing", mode: "sequential" }) },
  "eval.cancel": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "eval.importOutputs": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, benchmarkId: "missing", files: [{ name: "a.txt", content: "\\boxed{1}" }] }) },
  "eval.runs": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId }) },
  "eval.run": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "eval.results": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "eval.result": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, resultId: "missing" }) },
  "eval.undecided": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "eval.settle": { access: "reviewer", input: (f) => ({ workspaceId: f.workspaceId, resultId: "missing", verdict: "correct" }) },
  "eval.report": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing" }) },
  "eval.compare": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runA: "missing", runB: "missing" }) },
  "eval.export": { access: "viewer", input: (f) => ({ workspaceId: f.workspaceId, runId: "missing", format: "csv" }) },
  "snapshots.create": { access: "curator", input: (f) => ({ workspaceId: f.workspaceId, datasetId: "missing" }) },
};

type AnyProcedure = { _def: { meta?: { access?: Access }; type: "query" | "mutation" | "subscription" } };
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

async function call(userId: string | null, path: string, input: unknown): Promise<string> {
  const caller = createCaller({ db, user: userId ? { id: userId } : null }) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
  const [ns, name] = path.split(".") as [string, string];
  try {
    await caller[ns]![name]!(input);
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  const mk = (who: string) => db.user.create({ data: { email: `${who}-${tag}@example.test`, name: who } });
  const [admin, curator, reviewer, viewer, outsider] = await Promise.all(["admin", "curator", "reviewer", "viewer", "outsider"].map(mk));
  const ws = await db.workspace.create({ data: { name: `A ${tag}`, slug: `a-${tag}` } });
  const other = await db.workspace.create({ data: { name: `B ${tag}`, slug: `b-${tag}` } });
  const users = { admin: admin!.id, curator: curator!.id, reviewer: reviewer!.id, viewer: viewer!.id, outsider: outsider!.id };
  for (const role of ROLES) await db.membership.create({ data: { workspaceId: ws.id, userId: users[role], role } });
  // The outsider is an admin — of another workspace.
  await db.membership.create({ data: { workspaceId: other.id, userId: users.outsider, role: "admin" } });
  const ds = await db.dataset.create({ data: { workspaceId: ws.id, name: `fixture-${tag}` } });
  const imp = await db.datasetImport.create({ data: { datasetId: ds.id, fileName: "f.jsonl", preset: "plain", mapping: {}, status: "succeeded" } });
  await db.importIssue.create({ data: { importId: imp.id, line: 3, kind: "invalid", reason: "Invalid JSON" } });
  const snap = await db.datasetSnapshot.create({ data: { datasetId: ds.id, number: 1, itemCount: 0, manifest: { source: "kept" } } });
  const run = await db.inferenceRun.create({ data: { workspaceId: ws.id, question: "1+1?", mode: "sprint", status: "succeeded", finishedAt: new Date() } });
  fx = { workspaceId: ws.id, otherWorkspaceId: other.id, datasetId: ds.id, importId: imp.id, snapshotId: snap.id, runId: run.id, users };
});

afterAll(async () => {
  await db.workspace.deleteMany({ where: { slug: { in: [`a-${tag}`, `b-${tag}`] } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${tag}@example.test` } } });
  await db.$disconnect();
});

describe("authorization matrix", () => {
  it("has a rule for every procedure, matching its declared access", () => {
    const paths = Object.keys(procedures).sort();
    expect(paths.filter((p) => !(p in RULES)), "procedures without a rule in RULES").toEqual([]);
    expect(Object.keys(RULES).filter((p) => !(p in procedures)), "rules for procedures that no longer exist").toEqual([]);
    for (const p of paths) expect(procedures[p]!._def.meta?.access, p).toBe(RULES[p]!.access);
  });

  let n = 0;
  for (const [path, rule] of Object.entries(RULES)) {
    it(`${path} (${rule.access})`, async () => {
      const input = () => rule.input(fx, n++);
      const anon = await call(null, path, input());
      if (rule.access === "public") expect(anon).not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
      else expect(anon, "anonymous").toBe("UNAUTHORIZED");

      if (rule.access === "public" || rule.access === "authenticated") {
        for (const who of [...ROLES, "outsider"] as const) {
          expect(await call(fx.users[who], path, input()), who).not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
        }
        return;
      }
      const required = rule.access;
      for (const role of ROLES) {
        const code = await call(fx.users[role], path, input());
        if (hasRole(role, required)) expect(code, `${role} should pass`).not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
        else expect(code, `${role} should be refused`).toBe("FORBIDDEN");
      }
      // A member (even admin) of workspace B cannot touch workspace A.
      expect(await call(fx.users.outsider, path, input()), "outsider").toBe("FORBIDDEN");
    });
  }

  it("a viewer cannot mutate and workspace A's data is invisible from B", async () => {
    expect(await call(fx.users.viewer, "datasets.create", { workspaceId: fx.workspaceId, name: `nope-${tag}` })).toBe("FORBIDDEN");
    expect(await db.dataset.count({ where: { name: `nope-${tag}` } })).toBe(0);
    const asOutsider = createCaller({ db, user: { id: fx.users.outsider } });
    const listB = await asOutsider.datasets.list({ workspaceId: fx.otherWorkspaceId });
    expect(listB.map((d) => d.id)).not.toContain(fx.datasetId);
    await expect(asOutsider.datasets.get({ workspaceId: fx.otherWorkspaceId, datasetId: fx.datasetId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// ───────────────────────────── route handlers (app/api/**/route.ts) ─────────────────────────────

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Every route handler with its required role, the module, the request, and the id it points at. Routes with
 * their own gate are listed with `access: "own"` and why (Auth.js, tRPC — whose procedures are the matrix
 * above — and the public health check).
 */
const ROUTES: Record<string, { access: Role; load: () => Promise<Record<string, unknown>>; method: "GET" | "POST"; param: string; id: (f: Fixture) => string; request: (id: string) => Request } | { access: "own"; why: string }> = {
  "api/auth/[...nextauth]": { access: "own", why: "Auth.js sign-in / session endpoints" },
  "api/trpc/[trpc]": { access: "own", why: "every procedure is in the tRPC matrix above" },
  "api/health": { access: "own", why: "public liveness check, no workspace data" },
  "api/datasets/[datasetId]/imports": {
    access: "curator",
    load: () => import("../../app/api/datasets/[datasetId]/imports/route"),
    method: "POST",
    param: "datasetId",
    id: (f) => f.datasetId,
    // An invalid preset: an authorized call ends in 400 without importing anything.
    request: (id) => new Request(`http://localhost/api/datasets/${id}/imports?fileName=x.jsonl&preset=bogus`, { method: "POST", body: "{}" }),
  },
  "api/imports/[importId]/report": {
    access: "viewer",
    load: () => import("../../app/api/imports/[importId]/report/route"),
    method: "GET",
    param: "importId",
    id: (f) => f.importId,
    request: (id) => new Request(`http://localhost/api/imports/${id}/report`),
  },
  "api/snapshots/[snapshotId]/download": {
    access: "viewer",
    load: () => import("../../app/api/snapshots/[snapshotId]/download/route"),
    method: "GET",
    param: "snapshotId",
    id: (f) => f.snapshotId,
    request: (id) => new Request(`http://localhost/api/snapshots/${id}/download?split=manifest`),
  },
  "api/inference/runs/[runId]/stream": {
    access: "viewer",
    load: () => import("../../app/api/inference/runs/[runId]/stream/route"),
    method: "GET",
    param: "runId",
    id: (f) => f.runId,
    request: (id) => new Request(`http://localhost/api/inference/runs/${id}/stream`),
  },
};

function routeFiles(dir = path.resolve(import.meta.dirname, "../../app/api")): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(p));
    else if (/^route\.tsx?$/.test(e.name)) out.push(path.relative(path.resolve(import.meta.dirname, "../../app"), path.dirname(p)).split(path.sep).join("/"));
  }
  return out.sort();
}

async function hit(userId: string | null, route: keyof typeof ROUTES, id: string): Promise<number> {
  const r = ROUTES[route]!;
  if (r.access === "own") throw new Error(`${route} has its own gate`);
  session.userId = userId;
  const mod = await r.load();
  const res = await (mod[r.method] as Handler)(r.request(id), { params: Promise.resolve({ [r.param]: id }) });
  await res.body?.cancel().catch(() => undefined);
  return res.status;
}

describe("authorization matrix: route handlers", () => {
  it("has a rule for every route handler under app/api", () => {
    const files = routeFiles();
    expect(files.filter((f) => !(f in ROUTES)), "route handlers without a rule in ROUTES").toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !files.includes(r)), "rules for routes that no longer exist").toEqual([]);
  });

  for (const [route, rule] of Object.entries(ROUTES)) {
    if (rule.access === "own") continue;
    it(`${route} (${rule.access}): 401 signed out, 403 weaker role, 404 unknown id = another workspace's id`, async () => {
      const id = rule.id(fx);
      expect(await hit(null, route, id), "anonymous").toBe(401);
      for (const role of ROLES) {
        const status = await hit(fx.users[role], route, id);
        if (hasRole(role, rule.access)) expect(status, `${role} should pass`).not.toBeOneOf([401, 403, 404]);
        else expect(status, `${role} should be refused`).toBe(403);
      }
      // Not yours and not there: the same answer, so ids cannot be probed.
      expect(await hit(fx.users.outsider, route, id), "outsider").toBe(404);
      expect(await hit(fx.users.admin, route, "no-such-id"), "unknown id").toBe(404);
    });
  }
});
