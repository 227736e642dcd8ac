/**
 * Inference/curation endpoints of a workspace: OpenAI-compatible servers (OpenAI, vLLM, SGLang, Ollama,
 * llama.cpp). The API key is encrypted at rest (server/secrets.ts) and never returned: clients see only
 * whether one is set and its last four characters.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { decryptSecret, encryptSecret, maskSecret } from "../../secrets";

const kindSchema = z.enum(["openai-chat", "openai-completions"]);
const baseUrlSchema = z
  .string()
  .trim()
  .url("Enter a URL like http://localhost:8000/v1")
  .refine((u) => /^https?:\/\//.test(u), "Only http(s) URLs")
  .transform((u) => u.replace(/\/+$/, ""));

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

export const endpointsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const rows = await ctx.db.endpoint.findMany({ where: { workspaceId: ctx.workspaceId }, orderBy: { name: "asc" } });
    return rows.map(view);
  }),

  create: workspaceProcedure("admin")
    .input(z.object({ name: z.string().trim().min(1).max(80), kind: kindSchema.default("openai-chat"), baseUrl: baseUrlSchema, model: z.string().trim().min(1).max(200), apiKey: z.string().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      if (await ctx.db.endpoint.findUnique({ where: { workspaceId_name: { workspaceId: ctx.workspaceId, name: input.name } } })) {
        throw new TRPCError({ code: "CONFLICT", message: `An endpoint named "${input.name}" already exists.` });
      }
      const e = await ctx.db.endpoint.create({
        data: {
          workspaceId: ctx.workspaceId,
          name: input.name,
          kind: input.kind,
          baseUrl: input.baseUrl,
          model: input.model,
          apiKeyEnc: input.apiKey ? encryptSecret(input.apiKey) : null,
        },
      });
      await audit(ctx, ctx.workspaceId, "endpoint.create", { type: "endpoint", id: e.id }, { name: e.name, baseUrl: e.baseUrl, model: e.model });
      return view(e);
    }),

  update: workspaceProcedure("admin")
    .input(
      z.object({
        endpointId: z.string(),
        baseUrl: baseUrlSchema.optional(),
        model: z.string().trim().min(1).max(200).optional(),
        /** A new key; null removes it; omitted keeps it. */
        apiKey: z.string().max(500).nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const e = await ctx.db.endpoint.findFirst({ where: { id: input.endpointId, workspaceId: ctx.workspaceId } });
      if (!e) throw new TRPCError({ code: "NOT_FOUND", message: "No such endpoint in this workspace." });
      const updated = await ctx.db.endpoint.update({
        where: { id: e.id },
        data: {
          ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
          ...(input.model ? { model: input.model } : {}),
          ...(input.apiKey === undefined ? {} : { apiKeyEnc: input.apiKey ? encryptSecret(input.apiKey) : null }),
        },
      });
      await audit(ctx, ctx.workspaceId, "endpoint.update", { type: "endpoint", id: e.id }, { keyChanged: input.apiKey !== undefined });
      return view(updated);
    }),

  remove: workspaceProcedure("admin")
    .input(z.object({ endpointId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const r = await ctx.db.endpoint.deleteMany({ where: { id: input.endpointId, workspaceId: ctx.workspaceId } });
      if (r.count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No such endpoint in this workspace." });
      await audit(ctx, ctx.workspaceId, "endpoint.remove", { type: "endpoint", id: input.endpointId });
      return { ok: true };
    }),

  /** Checks the endpoint answers (GET {baseUrl}/models), with the stored key. */
  test: workspaceProcedure("admin")
    .input(z.object({ endpointId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const e = await ctx.db.endpoint.findFirst({ where: { id: input.endpointId, workspaceId: ctx.workspaceId } });
      if (!e?.baseUrl) throw new TRPCError({ code: "NOT_FOUND", message: "No such endpoint in this workspace." });
      const t0 = Date.now();
      try {
        const res = await fetch(`${e.baseUrl}/models`, {
          headers: e.apiKeyEnc ? { authorization: `Bearer ${decryptSecret(e.apiKeyEnc)}` } : {},
          signal: AbortSignal.timeout(5000),
        });
        const body = (await res.json().catch(() => null)) as { data?: { id: string }[] } | null;
        return { ok: res.ok, status: res.status, latencyMs: Date.now() - t0, models: body?.data?.map((m) => m.id).slice(0, 50) ?? [] };
      } catch (err) {
        return { ok: false, status: 0, latencyMs: Date.now() - t0, models: [], error: err instanceof Error ? err.message : String(err) };
      }
    }),
});
