/**
 * Playground runs: start a SPRINT run (and optionally its sequential baseline, side by side) against a
 * workspace endpoint, execute it in this server process, persist every event (call deltas coalesced per call
 * in ~100 ms windows, re-numbered contiguously) so a finished run replays exactly, publish the same events to
 * live subscribers (the SSE route), and record rounds, lanes, metrics and the final answer when it ends.
 *
 * A run belongs to the process that started it; a run left "running" by a process that died is marked failed
 * ("interrupted") the next time anyone reads it.
 */
import { z } from "zod";
import crypto from "node:crypto";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { loadQwenTokenizer } from "../sprint/tokenizer";
import { runSequential, runSprint, type SequentialRunResult, type SprintRunResult } from "./orchestrator/orchestrator";
import { sequentialParamsSchema, sprintParamsSchema, type SprintParamsInput } from "./orchestrator/params";
import type { InferenceEvent } from "./orchestrator/events";

import { InferenceError, LOCAL_ENDPOINT_ID, idSchema } from "./errors";
import { channels, EventSink, type Channel } from "./live";
import { engineFor, fewShotFrom } from "./engine";
import { reapIfOrphaned } from "./history";

// The playground service, by responsibility: ./errors.ts, ./live.ts (this process's channels, event sink),
// ./engine.ts (endpoint → engine), ./history.ts (reads), ./send-to-studio.ts; this module starts, executes and
// cancels runs, and is the service's one entry point.
export { InferenceError, LOCAL_ENDPOINT_ID, runIdInput, type Actor } from "./errors";
export { subscribe, isActiveHere } from "./live";
export { getRun, findRun, runEvents, eventsFor, listRuns, playgroundOptions, eventsInput, listRunsInput, type RunView } from "./history";
export { sendToStudio, sendToStudioInput } from "./send-to-studio";

export const startRunInput = z.object({
  endpointId: idSchema.optional(),
  modelVersionId: idSchema.optional(),
  question: z.string().trim().min(1, "Write a question first.").max(50_000),
  schedule: z.enum(["round-sync", "eager"]).default("round-sync"),
  params: z
    .object({
      maxRounds: z.number().int().min(1).max(100).optional(),
      temperature: z.number().min(0).max(2).optional(),
      topP: z.number().gt(0).max(1).optional(),
      seed: z.number().int().optional(),
      plannerMaxTokens: z.number().int().min(1).max(200_000).optional(),
      executorMaxTokens: z.number().int().min(1).max(200_000).optional(),
      executorContext: z.enum(["rearranged", "prefix"]).optional(),
      maxConcurrentLanes: z.number().int().min(1).max(1024).optional(),
      warmPrefix: z.boolean().optional(),
      /** A call cut on every attempt: end the run `degraded` (default) or fail it. */
      onIncomplete: z.enum(["degraded", "fail"]).optional(),
    })
    .optional(),
  compareSequential: z.boolean().default(false),
  prompted: z.object({ datasetId: idSchema.optional() }).nullish(),
});

// ───────────────────────────── start / execute ─────────────────────────────

export interface StartInput {
  endpointId?: string | undefined;
  modelVersionId?: string | undefined;
  question: string;
  schedule: "round-sync" | "eager";
  params?: {
    maxRounds?: number | undefined;
    temperature?: number | undefined;
    topP?: number | undefined;
    seed?: number | undefined;
    plannerMaxTokens?: number | undefined;
    executorMaxTokens?: number | undefined;
    executorContext?: "rearranged" | "prefix" | undefined;
    maxConcurrentLanes?: number | undefined;
    warmPrefix?: boolean | undefined;
    onIncomplete?: "degraded" | "fail" | undefined;
  } | undefined;
  compareSequential: boolean;
  prompted?: { datasetId?: string | undefined } | null | undefined;
}

export async function startRun(db: PrismaClient, actor: Actor, input: StartInput) {
  if (!hasRole(actor.role, "reviewer")) throw new InferenceError("FORBIDDEN", "Viewers cannot run inference.");
  const question = input.question.trim();
  if (!question) throw new InferenceError("BAD_REQUEST", "Write a question first.");
  // Runs execute in the web process: bound how many one person has going at once.
  const limit = Math.max(1, Number(process.env.SPRINT_PLAYGROUND_MAX_RUNS_PER_USER) || 4);
  const running = await db.inferenceRun.findMany({ where: { createdById: actor.userId, status: "running", mode: "sprint" }, select: { id: true, status: true, createdAt: true } });
  let mine = running.length;
  for (const r of running) if (await reapIfOrphaned(db, r)) mine--;
  if (mine >= limit) throw new InferenceError("BAD_REQUEST", `You already have ${mine} runs going (the limit is ${limit}). Wait for one to finish or cancel it.`);
  const { engine, endpoint, modelVersionId, label } = await engineFor(db, actor, input);
  const p = input.params ?? {};
  const sprintInput: SprintParamsInput = {
    schedule: input.schedule,
    ...(p.maxRounds !== undefined ? { maxRounds: p.maxRounds } : {}),
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.topP !== undefined ? { topP: p.topP } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.executorContext ? { executorContext: p.executorContext } : {}),
    ...(p.maxConcurrentLanes ? { maxConcurrentLanes: p.maxConcurrentLanes } : {}),
    // The local engine shares a warmed prefix across its sequences by copying state: always warm there.
    ...(p.warmPrefix || input.endpointId === LOCAL_ENDPOINT_ID ? { warmPrefix: true } : {}),
    ...(p.plannerMaxTokens ? { planner: { maxTokens: p.plannerMaxTokens } } : {}),
    ...(p.executorMaxTokens ? { executor: { maxTokens: p.executorMaxTokens } } : {}),
    ...(p.onIncomplete ? { onIncomplete: p.onIncomplete } : {}),
    timeoutMs: 30 * 60_000,
  };
  if (input.prompted) sprintInput.prompted = { fewShot: await fewShotFrom(db, actor, input.prompted.datasetId) };
  const sprintParams = sprintParamsSchema.parse(sprintInput);
  const seqParams = sequentialParamsSchema.parse({
    maxTokens: Math.max(sprintParams.planner.maxTokens, sprintParams.executor.maxTokens),
    temperature: sprintParams.temperature,
    ...(sprintParams.topP !== undefined ? { topP: sprintParams.topP } : {}),
    ...(sprintParams.seed !== undefined ? { seed: sprintParams.seed } : {}),
    onIncomplete: sprintParams.onIncomplete,
    timeoutMs: 30 * 60_000,
  });
  const compareGroup = input.compareSequential ? crypto.randomUUID() : null;
  const common = { workspaceId: actor.workspaceId, createdById: actor.userId, endpointId: endpoint?.id ?? null, modelVersionId, question, status: "running" as const, compareGroup };
  const storedParams = { ...sprintParams, prompted: sprintParams.prompted ? { examples: sprintParams.prompted.fewShot.length, datasetId: input.prompted?.datasetId ?? null } : undefined, engine: label };
  const run = await db.inferenceRun.create({ data: { ...common, mode: "sprint", schedule: input.schedule, params: storedParams as Prisma.InputJsonValue } });
  const baseline = compareGroup
    ? await db.inferenceRun.create({ data: { ...common, mode: "sequential", schedule: null, params: { ...seqParams, engine: label } as Prisma.InputJsonValue } })
    : null;
  await recordAudit(db, actor, "inference.start", { type: "inference-run", id: run.id }, { schedule: input.schedule, baseline: baseline?.id ?? null, endpoint: label.name });
  // The model's tokenizer (Qwen) splits plans into chunks and counts calls the server reports no usage for.
  const tokenizer = await loadQwenTokenizer();
  void execute(db, run.id, (onEvent, signal) => runSprint({ engine, question, params: sprintParams, onEvent, signal, tokenizer }));
  if (baseline) void execute(db, baseline.id, (onEvent, signal) => runSequential({ engine, question, params: seqParams, onEvent, signal, tokenizer }));
  return { runId: run.id, baselineRunId: baseline?.id ?? null };
}

type Runner = (onEvent: (e: InferenceEvent) => void, signal: AbortSignal) => Promise<SprintRunResult | SequentialRunResult>;

const RUN_STATUS = { completed: "succeeded", degraded: "degraded", cancelled: "cancelled", timeout: "failed", failed: "failed" } as const;

async function execute(db: PrismaClient, runId: string, runner: Runner): Promise<void> {
  const channel: Channel = { abort: new AbortController(), listeners: new Set(), lastSeq: -1 };
  channels.set(runId, channel);
  const sink = new EventSink(db, runId, channel);
  try {
    const result = await runner(sink.push, channel.abort.signal);
    await sink.flush();
    if (sink.failed) throw new Error(`Its events could not be stored: ${sink.failed instanceof Error ? sink.failed.message : String(sink.failed)}`);
    await recordResult(db, runId, result);
  } catch (err) {
    await sink.flush().catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    console.error(`[inference] run ${runId} failed:`, err);
    await db.inferenceRun
      .updateMany({ where: { id: runId, status: "running" }, data: { status: "failed", finishedAt: new Date(), metrics: { error: message } } })
      .catch(() => undefined);
  } finally {
    channels.delete(runId);
    for (const l of channel.listeners) l(null);
  }
}

async function recordResult(db: PrismaClient, runId: string, result: SprintRunResult | SequentialRunResult) {
  const status = RUN_STATUS[result.status];
  const error = result.error ?? (result.status === "timeout" ? "The run reached its deadline." : null);
  if ("trajectory" in result) {
    const { roundTimings, paper, ...rest } = result.metrics;
    const metrics = {
      ...rest,
      paper: { sequentialTokens: paper.sequentialTokens, totalTokens: paper.totalTokens, stageCount: paper.stageCount, promptCount: paper.promptCount, parallelRatio: paper.parallelRatio },
      roundTimings,
      adherence: { rate: result.adherence.rate, clean: result.adherence.clean, plannerOutputs: result.adherence.plannerOutputs, executorOutputs: result.adherence.executorOutputs, byCode: result.adherence.byCode, issues: result.adherence.issues.slice(0, 50) },
      status: result.status,
      error,
    };
    await db.$transaction(async (tx) => {
      const updated = await tx.inferenceRun.updateMany({
        where: { id: runId, status: "running" },
        data: { status, finishedAt: new Date(), finalAnswer: result.boxed ?? result.finalAnswer?.text ?? null, metrics: metrics as unknown as Prisma.InputJsonValue },
      });
      if (updated.count === 0) return; // cancelled or reaped meanwhile: that status stands
      for (const round of result.trajectory.rounds) {
        const timing = roundTimings.find((r) => r.round === round.index);
        const planText = round.chunks.map((c) => c.text + (c.prompt ? `\n<prompt_${round.index}.${c.prompt.index}> ${c.prompt.text} </prompt_${round.index}.${c.prompt.index}>` : "")).join("\n");
        const startedAt = timing ? new Date(Date.now() - result.metrics.wallMs + timing.plannerStartMs) : null;
        const r = await tx.inferenceRound.create({
          data: { runId, index: round.index, planText, startedAt, endedAt: timing ? new Date(Date.now() - result.metrics.wallMs + timing.endMs) : null },
        });
        const lanes = round.executions.map((ex) => {
          const lt = timing?.lanes.find((l) => l.lane === ex.index);
          const prompt = round.chunks.find((c) => c.prompt?.index === ex.index)?.prompt?.text ?? null;
          return { roundId: r.id, index: ex.index, prompt, text: ex.text, tokens: lt?.tokens ?? 0 };
        });
        await tx.inferenceLane.createMany({
          data: [{ roundId: r.id, index: 0, prompt: null, text: planText, tokens: 0 }, ...lanes],
        });
      }
    });
  } else {
    await db.inferenceRun.updateMany({
      where: { id: runId, status: "running" },
      data: {
        status,
        finishedAt: new Date(),
        finalAnswer: result.boxed,
        metrics: { ...result.metrics, tokens: result.metrics.sequentialTokens, status: result.status, error } as unknown as Prisma.InputJsonValue,
      },
    });
  }
}

export async function cancelRun(db: PrismaClient, actor: Actor, runId: string) {
  const run = await db.inferenceRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, select: { id: true, status: true, createdById: true, compareGroup: true } });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  if (run.createdById !== actor.userId && !hasRole(actor.role, "curator")) throw new InferenceError("FORBIDDEN", "Only the person who started a run (or a curator) can cancel it.");
  if (run.status !== "running") return { cancelled: false };
  const ids = run.compareGroup ? (await db.inferenceRun.findMany({ where: { compareGroup: run.compareGroup }, select: { id: true } })).map((r) => r.id) : [run.id];
  for (const id of ids) channels.get(id)?.abort.abort(new Error("cancelled by the user"));
  // Runs not running in this process (interrupted): mark them directly.
  await db.inferenceRun.updateMany({ where: { id: { in: ids.filter((id) => !channels.has(id)) }, status: "running" }, data: { status: "cancelled", finishedAt: new Date() } });
  return { cancelled: true };
}

