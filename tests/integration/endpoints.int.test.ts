/** Endpoint API keys are encrypted at rest and never serialized to the client. */
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
});
