/** Picks the curation backend of a pipeline config (server side only: the LLM key is decrypted here). */
import { TRPCError } from "@trpc/server";
import { prisma } from "../db/client";
import { decryptSecret } from "../secrets";
import type { PipelineConfig } from "./config";
import type { CurationBackend } from "./types";
import { heuristicBackend } from "./heuristic";

export class BackendConfigError extends Error {}

export async function backendFor(config: PipelineConfig, workspaceId: string): Promise<CurationBackend> {
  if (config.backend === "heuristic") return heuristicBackend;
  if (!config.endpointId) throw new BackendConfigError("The LLM backend needs an endpoint: add one in Settings → Endpoints.");
  const ep = await prisma.endpoint.findFirst({ where: { id: config.endpointId, workspaceId } });
  if (!ep || !ep.baseUrl) throw new BackendConfigError("The configured endpoint no longer exists in this workspace.");
  const { createLlmBackend } = await import("./llm/backend");
  return createLlmBackend({
    baseURL: ep.baseUrl,
    apiKey: ep.apiKeyEnc ? decryptSecret(ep.apiKeyEnc) : undefined,
    model: config.model ?? ep.model,
    ...(config.templates ? { templates: config.templates } : {}),
  });
}

/** Checks a config can run before a run is created (clear error for the UI). */
export async function assertBackendUsable(config: PipelineConfig, workspaceId: string): Promise<void> {
  try {
    if (config.backend === "llm") await backendFor(config, workspaceId);
  } catch (err) {
    throw new TRPCError({ code: "BAD_REQUEST", message: err instanceof Error ? err.message : String(err) });
  }
}
