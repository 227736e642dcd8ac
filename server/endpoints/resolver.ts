/**
 * THE endpoint resolver: a workspace's `Endpoint` row → the options an OpenAI-compatible client needs
 * (base URL, decrypted API key, model, API flavour). Shared by every service that calls a model server:
 * curation's LLM backend (server/curation/backends.ts), the playground (server/inference/runs.ts) and the
 * coming fine-tune and eval services. The key is decrypted here and nowhere else; it never leaves the server.
 */
import type { PrismaClient } from "../db/client";
import type { Endpoint } from "../db/generated/client";
import { decryptSecret } from "../secrets";
import { ServiceError } from "../service-error";

/** The API flavour of an endpoint (`Endpoint.kind`). */
export type EndpointKind = "openai-chat" | "openai-completions";

/** What a client needs to talk to an endpoint. */
export interface EndpointClientOptions {
  kind: EndpointKind;
  baseURL: string;
  /** Decrypted key, or null when the endpoint has none. */
  apiKey: string | null;
  model: string;
}

export interface ResolvedEndpoint {
  endpoint: Endpoint;
  client: EndpointClientOptions;
}

/** An endpoint that cannot be used (gone, no base URL, unreadable key), with a message for the user. */
export class EndpointError extends ServiceError {}

/**
 * Resolves the endpoint `endpointId` of `workspaceId` (another workspace's endpoint is NOT_FOUND, like a
 * missing one). Throws {@link EndpointError}.
 */
export async function resolveEndpoint(db: Pick<PrismaClient, "endpoint">, workspaceId: string, endpointId: string): Promise<ResolvedEndpoint> {
  const ep = await db.endpoint.findFirst({ where: { id: endpointId, workspaceId } });
  if (!ep) throw new EndpointError("NOT_FOUND", "No such endpoint in this workspace.");
  return { endpoint: ep, client: clientOptions(ep) };
}

/** The client options of an endpoint row (decrypts its key). Throws {@link EndpointError}. */
export function clientOptions(ep: { name: string; kind: string; baseUrl: string | null; model: string; apiKeyEnc: string | null }): EndpointClientOptions {
  if (!ep.baseUrl) throw new EndpointError("BAD_REQUEST", `Endpoint ${ep.name} has no base URL.`);
  let apiKey: string | null = null;
  if (ep.apiKeyEnc) {
    try {
      apiKey = decryptSecret(ep.apiKeyEnc);
    } catch {
      throw new EndpointError("BAD_REQUEST", `The API key of endpoint ${ep.name} cannot be decrypted (was SPRINT_ENCRYPTION_KEY changed?). Set it again in Settings.`);
    }
  }
  return { kind: ep.kind === "openai-completions" ? "openai-completions" : "openai-chat", baseURL: ep.baseUrl, apiKey, model: ep.model };
}
