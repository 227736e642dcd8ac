/**
 * Endpoints of a workspace: OpenAI-compatible servers (OpenAI, vLLM, SGLang, Ollama, llama.cpp) used by
 * curation, the playground and, next, fine-tunes and evaluation. The API key is encrypted at rest
 * (server/secrets.ts) and never returned: clients see only whether one is set and its last four characters.
 *
 * A stored key belongs to the server it was entered for: changing the base URL to another origin (scheme,
 * host or port) requires the key again in the same update (or removing it) — otherwise "Test" and every run
 * would send the old server's key to the new host.
 */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { decryptSecret, encryptSecret, maskSecret } from "../secrets";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { sameOrigin } from "../../lib/endpoint-url";
import { resolveEndpoint } from "./resolver";

const kindSchema = z.enum(["openai-chat", "openai-completions"]);
const baseUrlSchema = z
  .string()
  .trim()
  .url("Enter a URL like http://localhost:8000/v1")
  .refine((u) => /^https?:\/\//.test(u), "Only http(s) URLs")
  .transform((u) => u.replace(/\/+$/, ""));

export const createEndpointInput = z.object({
  name: z.string().trim().min(1).max(80),
  kind: kindSchema.default("openai-chat"),
  baseUrl: baseUrlSchema,
  model: z.string().trim().min(1).max(200),
  apiKey: z.string().max(500).optional(),
});
export const updateEndpointInput = z.object({
  endpointId: z.string(),
  baseUrl: baseUrlSchema.optional(),
  model: z.string().trim().min(1).max(200).optional(),
  /** A new key; null removes it; omitted keeps it (refused when the base URL moves to another origin). */
  apiKey: z.string().max(500).nullable().optional(),
});
export const endpointIdInput = z.object({ endpointId: z.string() });

/** The message when a base URL moves to another server while a key is stored and none is given. */
export const KEY_REQUIRED_MESSAGE = "The new base URL points at a different server: enter its API key again (or remove the key). The stored key is only sent to the server it was entered for.";

function view(e: { id: string; name: string; kind: string; baseUrl: string | null; model: string; apiKeyEnc: string | null; createdAt: Date; updatedAt: Date }) {
  let key: { set: boolean; hint: string | null } = { set: false, hint: null };
  if (e.apiKeyEnc) {
    try {
      key = maskSecret(decryptSecret(e.apiKeyEnc));
    } catch {
      key = { set: true, hint: "unreadable (encryption key changed?)" };
    }
  }
  return { id: e.id, name: e.name, kind: e.kind, baseUrl: e.baseUrl, model: e.model, apiKey: key, createdAt: e.createdAt, updatedAt: e.updatedAt };
}

export async function listEndpoints(db: PrismaClient, actor: Actor) {
  const rows = await db.endpoint.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" } });
  return rows.map(view);
}

export async function createEndpoint(db: PrismaClient, actor: Actor, input: z.output<typeof createEndpointInput>) {
  requireRole(actor, "admin");
  if (await db.endpoint.findUnique({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name: input.name } } })) {
    throw new ServiceError("CONFLICT", `An endpoint named "${input.name}" already exists.`);
  }
  const e = await db.endpoint.create({
    data: { workspaceId: actor.workspaceId, name: input.name, kind: input.kind, baseUrl: input.baseUrl, model: input.model, apiKeyEnc: input.apiKey ? encryptSecret(input.apiKey) : null },
  });
  await recordAudit(db, actor, "endpoint.create", { type: "endpoint", id: e.id }, { name: e.name, baseUrl: e.baseUrl, model: e.model });
  return view(e);
}

export async function updateEndpoint(db: PrismaClient, actor: Actor, input: z.output<typeof updateEndpointInput>) {
  requireRole(actor, "admin");
  const e = await db.endpoint.findFirst({ where: { id: input.endpointId, workspaceId: actor.workspaceId } });
  if (!e) throw new ServiceError("NOT_FOUND", "No such endpoint in this workspace.");
  const movesHost = input.baseUrl !== undefined && !sameOrigin(input.baseUrl, e.baseUrl);
  if (movesHost && e.apiKeyEnc && input.apiKey === undefined) throw new ServiceError("BAD_REQUEST", KEY_REQUIRED_MESSAGE, { field: "apiKey" });
  // Compare-and-set on the URL the check was made against, so a concurrent URL change cannot slip past it.
  const r = await db.endpoint.updateMany({
    where: { id: e.id, baseUrl: e.baseUrl, apiKeyEnc: e.apiKeyEnc },
    data: {
      ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
      ...(input.model ? { model: input.model } : {}),
      ...(input.apiKey === undefined ? {} : { apiKeyEnc: input.apiKey ? encryptSecret(input.apiKey) : null }),
    },
  });
  if (r.count === 0) throw new ServiceError("CONFLICT", "This endpoint was changed meanwhile; reload and try again.");
  const updated = await db.endpoint.findUniqueOrThrow({ where: { id: e.id } });
  await recordAudit(db, actor, "endpoint.update", { type: "endpoint", id: e.id }, { keyChanged: input.apiKey !== undefined, ...(movesHost ? { baseUrl: input.baseUrl } : {}) });
  return view(updated);
}

export async function removeEndpoint(db: PrismaClient, actor: Actor, input: z.infer<typeof endpointIdInput>) {
  requireRole(actor, "admin");
  const r = await db.endpoint.deleteMany({ where: { id: input.endpointId, workspaceId: actor.workspaceId } });
  if (r.count === 0) throw new ServiceError("NOT_FOUND", "No such endpoint in this workspace.");
  await recordAudit(db, actor, "endpoint.remove", { type: "endpoint", id: input.endpointId });
  return { ok: true };
}

/** Checks the endpoint answers (GET {baseUrl}/models), with the stored key (through the shared resolver). */
export async function testEndpoint(db: PrismaClient, actor: Actor, input: z.infer<typeof endpointIdInput>) {
  requireRole(actor, "admin");
  const e = await db.endpoint.findFirst({ where: { id: input.endpointId, workspaceId: actor.workspaceId } });
  if (!e?.baseUrl) throw new ServiceError("NOT_FOUND", "No such endpoint in this workspace.");
  const t0 = Date.now();
  try {
    const { client } = await resolveEndpoint(db, actor.workspaceId, e.id);
    const res = await fetch(`${client.baseURL}/models`, {
      headers: client.apiKey ? { authorization: `Bearer ${client.apiKey}` } : {},
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json().catch(() => null)) as { data?: { id: string }[] } | null;
    return { ok: res.ok, status: res.status, latencyMs: Date.now() - t0, models: body?.data?.map((m) => m.id).slice(0, 50) ?? [] };
  } catch (err) {
    return { ok: false, status: 0, latencyMs: Date.now() - t0, models: [], error: err instanceof Error ? err.message : String(err) };
  }
}
