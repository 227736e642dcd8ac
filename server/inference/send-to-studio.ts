/** Send to studio: a finished SPRINT run's question and trajectory become a kept curated trajectory of a dataset. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { replayEvents } from "./orchestrator/events";
import { serializeTrajectory, stripTags } from "../sprint/format";
import { curatedColumns } from "../curation/import/curated";
import { contentHash } from "../curation/import/run";


import { InferenceError, idSchema } from "./errors";
import { runEvents } from "./history";

export const sendToStudioInput = z.object({ runId: idSchema, datasetId: idSchema });

// ───────────────────────────── send to studio ─────────────────────────────

/** Adds a finished SPRINT run's question and trajectory to a dataset, as a curated (kept) trajectory. */
export async function sendToStudio(db: PrismaClient, actor: Actor, input: { runId: string; datasetId: string }) {
  if (!hasRole(actor.role, "curator")) throw new InferenceError("FORBIDDEN", "Only curators and admins can add traces to a dataset.");
  const run = await db.inferenceRun.findFirst({ where: { id: input.runId, workspaceId: actor.workspaceId }, select: { id: true, mode: true, status: true, question: true, params: true } });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  if (run.mode !== "sprint") throw new InferenceError("BAD_REQUEST", "Only SPRINT runs have a trajectory to send.");
  if (run.status === "running") throw new InferenceError("BAD_REQUEST", "Wait for the run to finish.");
  const ds = await db.dataset.findFirst({ where: { id: input.datasetId, workspaceId: actor.workspaceId }, select: { id: true, name: true } });
  if (!ds) throw new InferenceError("NOT_FOUND", "No such dataset in this workspace.");
  const { events } = await runEvents(db, run.id, -1, 1_000_000);
  const replay = replayEvents(events);
  if (!replay.trajectory || replay.trajectory.rounds.length === 0) throw new InferenceError("BAD_REQUEST", "This run produced no rounds to send.");
  const body = { rounds: replay.trajectory.rounds, ...(replay.trajectory.finalAnswer ? { finalAnswer: replay.trajectory.finalAnswer } : {}) };
  const text = serializeTrajectory(body);
  const reasoning = stripTags(text).replace(/\n{3,}/g, "\n\n").trim();
  const hash = contentHash(run.question, reasoning);
  const engine = (run.params as { engine?: { model?: string } } | null)?.engine?.model ?? null;
  const cols = curatedColumns({ ...body, question: run.question });
  try {
    const trace = await db.trace.create({
      data: {
        datasetId: ds.id,
        question: run.question,
        reasoning,
        referenceSolution: replay.trajectory.finalAnswer?.text ?? null,
        sourceModel: engine,
        contentHash: hash,
        // The run's status travels with the trace: a degraded run holds a fragment where a lane never finished.
        metadata: { inferenceRunId: run.id, source: "playground", runStatus: run.status },
        trajectories: {
          create: {
            datasetId: ds.id,
            steps: cols.steps as unknown as Prisma.InputJsonValue,
            dagEdges: cols.dag as unknown as Prisma.InputJsonValue,
            stages: cols.stageOf as unknown as Prisma.InputJsonValue,
            metrics: { tokenizer: "approx", sequentialTokens: cols.sequentialTokens, totalTokens: cols.totalTokens, stageCount: cols.stageCount, reduction: null } as Prisma.InputJsonValue,
            text,
            curationStatus: "kept",
            sequentialTokens: cols.sequentialTokens,
            totalTokens: cols.totalTokens,
            stageCount: cols.stageCount,
          },
        },
      },
    });
    await recordAudit(db, actor, "inference.send-to-studio", { type: "inference-run", id: run.id }, { datasetId: ds.id, traceId: trace.id });
    return { traceId: trace.id, datasetId: ds.id };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new InferenceError("CONFLICT", `This run is already in ${ds.name}.`);
    throw e;
  }
}
