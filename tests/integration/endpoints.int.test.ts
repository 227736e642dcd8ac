/** Endpoint API keys are encrypted at rest and never serialized to the client. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import { createPrismaClient } from "../../server/db/client";
import { createCaller } from "../../server/api/root";
import { decryptSecret } from "../../server/secrets";

const db = createPrismaClient(process.env.DATABASE_URL);
const tag = `ep-${Date.now().toString(36)}`;

afterAll(async () => {
  await db.workspace.deleteMany({ where: { slug: tag } });
  await db.user.deleteMany({ where: { email: `${tag}@example.test` } });
  await db.$disconnect();
});

describe("endpoints", () => {
  it("stores the key encrypted and only ever returns a mask", async () => {
    const user = await db.user.create({ data: { email: `${tag}@example.test` } });
    const ws = await db.workspace.create({ data: { name: tag, slug: tag, memberships: { create: { userId: user.id, role: "admin" } } } });
    const api = createCaller({ db, user: { id: user.id } });
    const secret = "sk-live-0123456789abcdef";
    const created = await api.endpoints.create({ workspaceId: ws.id, name: "vllm", baseUrl: "http://127.0.0.1:8000/v1/", model: "sprint-7b", apiKey: secret });
    expect(created.baseUrl).toBe("http://127.0.0.1:8000/v1");
    expect(created.apiKey).toEqual({ set: true, hint: "…cdef" });
    const listed = await api.endpoints.list({ workspaceId: ws.id });
    const wire = superjson.stringify(listed) + superjson.stringify(created);
    expect(wire).not.toContain(secret);
    expect(wire).not.toContain("apiKeyEnc");
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.apiKeyEnc).not.toContain(secret);
    expect(decryptSecret(row.apiKeyEnc!)).toBe(secret);
    const cleared = await api.endpoints.update({ workspaceId: ws.id, endpointId: created.id, apiKey: null });
    expect(cleared.apiKey.set).toBe(false);
    await expect(api.endpoints.create({ workspaceId: ws.id, name: "bad", baseUrl: "ftp://x", model: "m" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a new host needs the key again: the stored key is never sent to another server (issue #11)", async () => {
    // Two OpenAI-compatible /models servers that record the Authorization header they receive.
    const seen: Record<"a" | "b", (string | undefined)[]> = { a: [], b: [] };
    const serve = (name: "a" | "b") =>
      new Promise<http.Server>((resolve) => {
        const srv = http.createServer((req, res) => {
          seen[name].push(req.headers.authorization);
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ object: "list", data: [{ id: `model-${name}` }] }));
        });
        srv.listen(0, "127.0.0.1", () => resolve(srv));
      });
    const [a, b] = await Promise.all([serve("a"), serve("b")]);
    const url = (s: http.Server, p = "/v1") => `http://127.0.0.1:${(s.address() as AddressInfo).port}${p}`;
    try {
      const user = await db.user.create({ data: { email: `${tag}-host@example.test` } });
      const ws = await db.workspace.create({ data: { name: `${tag}-host`, slug: `${tag}-host`, memberships: { create: { userId: user.id, role: "admin" } } } });
      const api = createCaller({ db, user: { id: user.id } });
      const ep = await api.endpoints.create({ workspaceId: ws.id, name: "a", baseUrl: url(a), model: "m", apiKey: "sk-key-for-a-0001" });
      expect(await api.endpoints.test({ workspaceId: ws.id, endpointId: ep.id })).toMatchObject({ ok: true, models: ["model-a"] });
      expect(seen.a).toEqual(["Bearer sk-key-for-a-0001"]);

      // Moving to another server without a key is refused with a clear error, and nothing changes.
      const refused = await api.endpoints.update({ workspaceId: ws.id, endpointId: ep.id, baseUrl: url(b) }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/different server: enter its API key again/) });
      expect((await db.endpoint.findUniqueOrThrow({ where: { id: ep.id } })).baseUrl).toBe(url(a));
      // Same server, another path: the key stays (it goes to the same host).
      const samehost = await api.endpoints.update({ workspaceId: ws.id, endpointId: ep.id, baseUrl: url(a, "/v1/") });
      expect(samehost.apiKey).toEqual({ set: true, hint: "…0001" });
      // Moving with a new key: "Test" sends the NEW key to the new host; the old key never reached it.
      const moved = await api.endpoints.update({ workspaceId: ws.id, endpointId: ep.id, baseUrl: url(b), apiKey: "sk-key-for-b-0002" });
      expect(moved).toMatchObject({ baseUrl: url(b), apiKey: { set: true, hint: "…0002" } });
      expect(await api.endpoints.test({ workspaceId: ws.id, endpointId: ep.id })).toMatchObject({ ok: true, models: ["model-b"] });
      // Moving and removing the key is fine too: no key is sent.
      await api.endpoints.update({ workspaceId: ws.id, endpointId: ep.id, baseUrl: url(a), apiKey: null });
      await api.endpoints.test({ workspaceId: ws.id, endpointId: ep.id });
      expect(seen.b).toEqual(["Bearer sk-key-for-b-0002"]);
      expect(seen.a).toEqual(["Bearer sk-key-for-a-0001", undefined]);
      // An endpoint without a key may move freely.
      const free = await api.endpoints.update({ workspaceId: ws.id, endpointId: ep.id, baseUrl: url(b) });
      expect(free).toMatchObject({ baseUrl: url(b), apiKey: { set: false } });
      await db.workspace.delete({ where: { id: ws.id } });
      await db.user.delete({ where: { id: user.id } });
    } finally {
      a.close();
      b.close();
    }
  });
});
