/**
 * Which engine an eval run calls: a workspace endpoint (directly, or the one a model version points at),
 * through the shared endpoint resolver (server/endpoints/resolver.ts). Resolved when the run is created
 * (stored as `EvalRun.endpointId`) and again by the worker, so an API key is decrypted only in the process
 * that calls the server. Engines are globally limited per endpoint
 * in this process (server/inference/engines/limit.ts), and eval items are limited per endpoint over all
 * workers by the item job (see jobs/eval-item.ts).
 */
import type { PrismaClient } from "../db/client";
import { clientOptions, resolveEndpoint } from "../endpoints/resolver";
import { globallyLimited, openAIChatEngine, openAICompletionsEngine, type CompletionEngine } from "../inference";
import { EvalError } from "./errors";

/** The endpoint (and model version) an eval run targets, checked against the workspace. */
export async function resolveTarget(db: PrismaClient, workspaceId: string, input: { endpointId?: string | undefined; modelVersionId?: string | undefined }) {
  let endpointId = input.endpointId;
  let modelVersionId: string | null = null;
  let label = "";
  if (input.modelVersionId) {
    const mv = await db.modelVersion.findFirst({ where: { id: input.modelVersionId, workspaceId } });
    if (!mv) throw new EvalError("NOT_FOUND", "No such model version in this workspace.");
    if (!mv.endpointId) throw new EvalError("BAD_REQUEST", `Model version ${mv.name} v${mv.version} is not served by any endpoint yet. Point it at an endpoint in Models.`);
    endpointId = mv.endpointId;
    modelVersionId = mv.id;
    label = `${mv.name} v${mv.version}`;
  }
  if (!endpointId) throw new EvalError("BAD_REQUEST", "Choose an endpoint or a model version.");
  const { endpoint: ep } = await resolveEndpoint(db, workspaceId, endpointId);
  return { endpoint: ep, modelVersionId, label: label ? `${label} · ${ep.name}` : `${ep.name} · ${ep.model}` };
}

/** A streaming engine for an endpoint row (the key is decrypted by the shared resolver, server/endpoints). */
export function engineForEndpoint(ep: { name: string; kind: string; baseUrl: string | null; model: string; apiKeyEnc: string | null }): CompletionEngine {
  let c;
  try {
    c = clientOptions(ep);
  } catch (e) {
    throw new EvalError("BAD_REQUEST", e instanceof Error ? e.message : String(e));
  }
  const opts = { baseURL: c.baseURL, apiKey: c.apiKey, model: c.model };
  return globallyLimited(c.kind === "openai-completions" ? openAICompletionsEngine(opts) : openAIChatEngine(opts));
}
