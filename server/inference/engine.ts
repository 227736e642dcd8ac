/** From a run request to a completion engine: the endpoint (through the shared resolver) or model version, and few-shot examples. */
import type { PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { resolveEndpoint } from "../endpoints/resolver";
import { openAIChatEngine, openAICompletionsEngine } from "./engines/openai";
import { localGgufEngine } from "./engines/local-gguf";
import { globallyLimited } from "./engines/limit";
import type { CompletionEngine } from "./engines/types";
import { DEFAULT_FEW_SHOT } from "./orchestrator/context";
import { parseTrajectory, serializeDocument } from "../sprint/format";


import { InferenceError, LOCAL_ENDPOINT_ID } from "./errors";

// ───────────────────────────── engines ─────────────────────────────

export async function engineFor(db: PrismaClient, actor: Actor, input: { endpointId?: string | undefined; modelVersionId?: string | undefined }) {
  let endpointId = input.endpointId;
  let modelVersionId: string | null = null;
  if (input.modelVersionId) {
    const mv = await db.modelVersion.findFirst({ where: { id: input.modelVersionId, workspaceId: actor.workspaceId } });
    if (!mv) throw new InferenceError("NOT_FOUND", "No such model version in this workspace.");
    if (!mv.endpointId) throw new InferenceError("BAD_REQUEST", `Model version ${mv.name} v${mv.version} is not served by any endpoint yet. Point it at an endpoint in Models.`);
    endpointId = mv.endpointId;
    modelVersionId = mv.id;
  }
  if (!endpointId) throw new InferenceError("BAD_REQUEST", "Choose an endpoint or a model version.");
  if (endpointId === LOCAL_ENDPOINT_ID) {
    if (!process.env.SPRINT_LOCAL_MODEL) throw new InferenceError("BAD_REQUEST", "No local model: set SPRINT_LOCAL_MODEL to a GGUF file and install node-llama-cpp.");
    return { engine: globallyLimited(localGgufEngine({ modelPath: process.env.SPRINT_LOCAL_MODEL })), endpoint: null, modelVersionId, label: { name: "local GGUF", model: process.env.SPRINT_LOCAL_MODEL } };
  }
  const { endpoint: ep, client } = await resolveEndpoint(db, actor.workspaceId, endpointId);
  const opts = { baseURL: client.baseURL, apiKey: client.apiKey, model: client.model };
  const engine: CompletionEngine = client.kind === "openai-completions" ? openAICompletionsEngine(opts) : openAIChatEngine(opts);
  return { engine: globallyLimited(engine), endpoint: ep, modelVersionId, label: { name: ep.name, model: ep.model } };
}

/** Few-shot examples for prompted mode: up to two kept (approved first) trajectories of a dataset, else the built-in one. */
export async function fewShotFrom(db: PrismaClient, actor: Actor, datasetId: string | undefined): Promise<string[]> {
  if (!datasetId) return [DEFAULT_FEW_SHOT];
  const ds = await db.dataset.findFirst({ where: { id: datasetId, workspaceId: actor.workspaceId }, select: { id: true, name: true } });
  if (!ds) throw new InferenceError("NOT_FOUND", "No such dataset in this workspace.");
  const rows = await db.curatedTrajectory.findMany({
    where: { datasetId, curationStatus: "kept", text: { not: null } },
    orderBy: [{ reviewStatus: "asc" }, { sequentialTokens: "asc" }],
    take: 20,
    select: { text: true, reviewStatus: true, trace: { select: { question: true } } },
  });
  rows.sort((a, b) => Number(b.reviewStatus === "approved") - Number(a.reviewStatus === "approved"));
  const shots: string[] = [];
  for (const r of rows) {
    const parsed = parseTrajectory(r.text!);
    if (!parsed.ok || parsed.trajectory.rounds.length === 0 || !parsed.trajectory.finalAnswer) continue;
    shots.push(serializeDocument({ ...parsed.trajectory, question: r.trace.question }));
    if (shots.length === 2) break;
  }
  if (shots.length === 0) throw new InferenceError("BAD_REQUEST", `Dataset ${ds.name} has no kept trajectory with a final answer to use as an example.`);
  return shots;
}

