/** Picks the curation backend of a pipeline config (server side only: the endpoint's key is resolved here). */
import { prisma } from "../db/client";
import { ServiceError } from "../service-error";
import { EndpointError, resolveEndpoint } from "../endpoints/resolver";
import type { PipelineConfig } from "./config";
import type { CurationBackend } from "./types";
import { heuristicBackend } from "./heuristic";

export class BackendConfigError extends Error {}

export async function backendFor(config: PipelineConfig, workspaceId: string): Promise<CurationBackend> {
  if (config.backend === "heuristic") return heuristicBackend;
  if (!config.endpointId) throw new BackendConfigError("The LLM backend needs an endpoint: add one in Settings → Endpoints.");
  let client;
  try {
    ({ client } = await resolveEndpoint(prisma, workspaceId, config.endpointId));
  } catch (err) {
    if (!(err instanceof EndpointError)) throw err;
    throw new BackendConfigError(err.code === "NOT_FOUND" || /no base URL/.test(err.message) ? "The configured endpoint no longer exists in this workspace." : err.message);
  }
  const { createLlmBackend } = await import("./llm/backend");
  return createLlmBackend({
    baseURL: client.baseURL,
    apiKey: client.apiKey ?? undefined,
    model: config.model ?? client.model,
    ...(config.templates ? { templates: config.templates } : {}),
  });
}

/** Checks a config can run before a run is created (a BAD_REQUEST with a clear message for the UI). */
export async function assertBackendUsable(config: PipelineConfig, workspaceId: string): Promise<void> {
  try {
    if (config.backend === "llm") await backendFor(config, workspaceId);
  } catch (err) {
    throw new ServiceError("BAD_REQUEST", err instanceof Error ? err.message : String(err));
  }
}
