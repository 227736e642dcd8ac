/**
 * Playground runs: start a SPRINT run (and optionally its sequential baseline, side by side) against a
 * workspace endpoint, execute it in this server process, persist every event (call deltas coalesced per call
 * in ~100 ms windows, re-numbered contiguously) so a finished run replays exactly, publish the same events to
 * live subscribers (the SSE route), and record rounds, lanes, metrics and the final answer when it ends.
 *
 * A run belongs to the process that started it; a run left "running" by a process that died is marked failed
 * ("interrupted") the next time anyone reads it.
 */
import crypto from "node:crypto";
import type { PrismaClient } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hasRole } from "../auth/roles";
import { ServiceError, type Actor } from "../service-error";
import { recordAudit } from "../audit";
import { resolveEndpoint } from "../endpoints/resolver";
import { openAIChatEngine, openAICompletionsEngine } from "./engines/openai";
import { localGgufEngine } from "./engines/local-gguf";
import { globallyLimited } from "./engines/limit";
import type { CompletionEngine } from "./engines/types";
import { runSequential, runSprint, type SequentialRunResult, type SprintRunResult } from "./sprint/orchestrator";
import { sequentialParamsSchema, sprintParamsSchema, type SprintParamsInput } from "./sprint/params";
import { DEFAULT_FEW_SHOT } from "./sprint/context";
import { replayEvents, type InferenceEvent } from "./sprint/events";
import { parseTrajectory, serializeDocument, serializeTrajectory, stripTags } from "../sprint/format";
import { curatedColumns } from "../curation/import/curated";
import { contentHash } from "../curation/import/run";

export type { Actor };
/** A playground service error (its code becomes the tRPC code). */
export class InferenceError extends ServiceError {}

/** The pseudo-endpoint of the embedded GGUF model (only when SPRINT_LOCAL_MODEL is set). */
export const LOCAL_ENDPOINT_ID = "local-gguf";

// ───────────────────────────── live channels (this process) ─────────────────────────────

type Listener = (e: InferenceEvent | null) => void;

/** One running run: its abort handle and the subscribers of its persisted events (null = finished). */
interface Channel {
  abort: AbortController;
  listeners: Set<Listener>;
  lastSeq: number;
}

const g = globalThis as unknown as { __sprintInferenceChannels?: Map<string, Channel> };
const channels: Map<string, Channel> = (g.__sprintInferenceChannels ??= new Map());

/** Subscribes to a run running in this process; returns null when it is not (finished, or elsewhere). */
export function subscribe(runId: string, listener: Listener): (() => void) | null {
  const ch = channels.get(runId);
  if (!ch) return null;
  ch.listeners.add(listener);
  return () => ch.listeners.delete(listener);
}

export function isActiveHere(runId: string): boolean {
  return channels.has(runId);
}

/**
 * Persists and publishes the events of one run. Deltas of the same call that arrive within one flush window
 * are merged into one event (text concatenated, the last `t`); every other event is kept as is. Events are
 * re-numbered 0, 1, 2, … in the order they are written, so `replayEvents` works on the stored log.
 */
class EventSink {
  private pending: InferenceEvent[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  failed: unknown = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly runId: string,
    private readonly channel: Channel,
    private readonly flushMs = 100,
  ) {}

  push = (e: InferenceEvent) => {
    const last = this.pending[this.pending.length - 1];
    if (
      e.type === "call-delta" &&
      last?.type === "call-delta" &&
      last.role === e.role &&
      last.round === e.round &&
      last.lane === e.lane &&
      last.attempt === e.attempt
    ) {
      this.pending[this.pending.length - 1] = { ...last, text: last.text + e.text, t: e.t };
    } else if (e.type === "call-delta") {
      // Merge with the latest delta of the same call still in the window (deltas of parallel lanes interleave).
      for (let i = this.pending.length - 1; i >= 0; i--) {
        const p = this.pending[i]!;
        if (p.type !== "call-delta") break;
        if (p.role === e.role && p.round === e.round && p.lane === e.lane && p.attempt === e.attempt) {
          this.pending[i] = { ...p, text: p.text + e.text, t: e.t };
          return;
        }
      }
      this.pending.push(e);
    } else {
      this.pending.push(e);
    }
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  };

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.map((e) => ({ ...e, seq: this.seq++ }) as InferenceEvent);
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      if (this.failed) return;
      try {
        await this.db.inferenceEvent.createMany({
          data: batch.map((e) => ({ runId: this.runId, seq: e.seq, type: e.type, payload: e as unknown as Prisma.InputJsonValue })),
        });
      } catch (err) {
        // A run whose events cannot be stored could not be replayed: stop it rather than carry on unrecorded.
        this.failed = err;
        console.error(`[inference] could not persist events of run ${this.runId}; stopping it:`, err);
        this.channel.abort.abort(new Error("its events could not be stored"));
        return;
      }
      this.channel.lastSeq = batch[batch.length - 1]!.seq;
      for (const e of batch) {
        for (const l of this.channel.listeners) {
          try {
            l(e);
          } catch (err) {
            console.error(`[inference] a subscriber of run ${this.runId} failed:`, err);
            this.channel.listeners.delete(l);
          }
        }
      }
    });
    return this.writing;
  }
}

// ───────────────────────────── engines ─────────────────────────────

async function engineFor(db: PrismaClient, actor: Actor, input: { endpointId?: string | undefined; modelVersionId?: string | undefined }) {
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
async function fewShotFrom(db: PrismaClient, actor: Actor, datasetId: string | undefined): Promise<string[]> {
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
    timeoutMs: 30 * 60_000,
  };
  if (input.prompted) sprintInput.prompted = { fewShot: await fewShotFrom(db, actor, input.prompted.datasetId) };
  const sprintParams = sprintParamsSchema.parse(sprintInput);
  const seqParams = sequentialParamsSchema.parse({
    maxTokens: Math.max(sprintParams.planner.maxTokens, sprintParams.executor.maxTokens),
    temperature: sprintParams.temperature,
    ...(sprintParams.topP !== undefined ? { topP: sprintParams.topP } : {}),
    ...(sprintParams.seed !== undefined ? { seed: sprintParams.seed } : {}),
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
  void execute(db, run.id, (onEvent, signal) => runSprint({ engine, question, params: sprintParams, onEvent, signal }));
  if (baseline) void execute(db, baseline.id, (onEvent, signal) => runSequential({ engine, question, params: seqParams, onEvent, signal }));
  return { runId: run.id, baselineRunId: baseline?.id ?? null };
}

type Runner = (onEvent: (e: InferenceEvent) => void, signal: AbortSignal) => Promise<SprintRunResult | SequentialRunResult>;

const RUN_STATUS = { completed: "succeeded", cancelled: "cancelled", timeout: "failed", failed: "failed" } as const;

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

// ───────────────────────────── reads ─────────────────────────────

const STALE_MS = 2 * 60_000;

/** Marks a run "running" here in the database but not in any live channel of this process, and silent for a while, as interrupted. */
async function reapIfOrphaned(db: PrismaClient, run: { id: string; status: string; createdAt: Date }) {
  if (run.status !== "running" || isActiveHere(run.id)) return false;
  const last = await db.inferenceEvent.findFirst({ where: { runId: run.id }, orderBy: { seq: "desc" }, select: { at: true } });
  const lastAt = (last?.at ?? run.createdAt).getTime();
  if (Date.now() - lastAt < STALE_MS) return false;
  await db.inferenceRun.updateMany({
    where: { id: run.id, status: "running" },
    data: { status: "failed", finishedAt: new Date(), metrics: { error: "Interrupted: the server that ran it stopped before it finished." } },
  });
  return true;
}

const runSelect = {
  id: true,
  workspaceId: true,
  question: true,
  mode: true,
  schedule: true,
  status: true,
  finalAnswer: true,
  metrics: true,
  params: true,
  createdAt: true,
  finishedAt: true,
  compareGroup: true,
  createdById: true,
  endpoint: { select: { name: true, model: true } },
} satisfies Prisma.InferenceRunSelect;

type RunRow = Prisma.InferenceRunGetPayload<{ select: typeof runSelect }>;

async function shapeRun(db: PrismaClient, run: RunRow) {
  const [creator, sibling] = await Promise.all([
    run.createdById ? db.user.findUnique({ where: { id: run.createdById }, select: { name: true, email: true } }) : null,
    run.compareGroup && run.mode === "sprint"
      ? db.inferenceRun.findFirst({ where: { compareGroup: run.compareGroup, mode: "sequential" }, select: { id: true } })
      : null,
  ]);
  const m = run.metrics as { error?: string | null } | null;
  const p = run.params as { engine?: { name: string; model: string } } | null;
  return {
    id: run.id,
    question: run.question,
    mode: run.mode as "sprint" | "sequential",
    schedule: run.schedule as "round-sync" | "eager" | null,
    status: run.status,
    finalAnswer: run.finalAnswer,
    metrics: run.metrics as Record<string, unknown> | null,
    params: run.params as Record<string, unknown> | null,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    compareGroup: run.compareGroup,
    baselineRunId: sibling?.id ?? null,
    endpoint: run.endpoint ?? p?.engine ?? null,
    createdBy: creator ? (creator.name ?? creator.email) : null,
    createdById: run.createdById,
    error: m?.error ?? null,
  };
}

export type RunView = Awaited<ReturnType<typeof shapeRun>>;

export async function getRun(db: PrismaClient, actor: Actor, runId: string) {
  let run = await db.inferenceRun.findFirst({ where: { id: runId, workspaceId: actor.workspaceId }, select: runSelect });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  if (await reapIfOrphaned(db, run)) run = (await db.inferenceRun.findUnique({ where: { id: runId }, select: runSelect }))!;
  const view = await shapeRun(db, run);
  return { ...view, canCancel: run.status === "running" && (run.createdById === actor.userId || hasRole(actor.role, "curator")) };
}

/** Persisted events after `afterSeq`, and whether the run is over (no more will come). */
/** A run's id and workspace (for the SSE route's membership gate), or null. */
export async function findRun(db: PrismaClient, runId: string) {
  return db.inferenceRun.findUnique({ where: { id: runId }, select: { id: true, workspaceId: true } });
}

export async function runEvents(db: PrismaClient, runId: string, afterSeq: number, limit = 5000) {
  // Status first: a run's events are all written before its status changes, so a finished status read
  // before the events guarantees the events read after it are complete.
  const run = await db.inferenceRun.findUnique({ where: { id: runId }, select: { status: true } });
  const rows = await db.inferenceEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit, select: { payload: true } });
  const events = rows.map((r) => r.payload as unknown as InferenceEvent);
  const done = run?.status !== "running" && rows.length < limit;
  return { events, done };
}

export async function eventsFor(db: PrismaClient, actor: Actor, input: { runId: string; afterSeq: number }) {
  const run = await db.inferenceRun.findFirst({ where: { id: input.runId, workspaceId: actor.workspaceId }, select: { id: true, status: true, createdAt: true } });
  if (!run) throw new InferenceError("NOT_FOUND", "No such run in this workspace.");
  await reapIfOrphaned(db, run);
  return runEvents(db, run.id, input.afterSeq);
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

export async function listRuns(db: PrismaClient, actor: Actor, input: { search?: string | undefined; mine?: boolean | undefined; cursor?: number | null | undefined; limit: number }) {
  const where: Prisma.InferenceRunWhereInput = {
    workspaceId: actor.workspaceId,
    OR: [{ mode: "sprint" }, { compareGroup: null }],
    ...(input.mine ? { createdById: actor.userId } : {}),
    ...(input.search ? { question: { contains: input.search, mode: "insensitive" } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.inferenceRun.findMany({ where, orderBy: { createdAt: "desc" }, skip: input.cursor ?? 0, take: input.limit, select: runSelect }),
    db.inferenceRun.count({ where }),
  ]);
  const views = await Promise.all(rows.map((r) => shapeRun(db, r)));
  return {
    total,
    rows: views.map((v) => {
      const m = (v.metrics ?? {}) as { sequentialTokens?: number; wallMs?: number };
      return { id: v.id, question: v.question.slice(0, 300), mode: v.mode, schedule: v.schedule, status: v.status, createdAt: v.createdAt, createdBy: v.createdBy, sequentialTokens: m.sequentialTokens ?? null, wallMs: m.wallMs ?? null, baselineRunId: v.baselineRunId };
    }),
  };
}

/** Endpoints, model versions and datasets the playground can use, with the default parameters. */
export async function playgroundOptions(db: PrismaClient, actor: Actor) {
  const [endpoints, modelVersions, datasets] = await Promise.all([
    db.endpoint.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, model: true, baseUrl: true } }),
    db.modelVersion.findMany({ where: { workspaceId: actor.workspaceId, endpointId: { not: null } }, orderBy: [{ name: "asc" }, { version: "desc" }], select: { id: true, name: true, version: true, stage: true, endpointId: true } }),
    db.dataset.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  const local = process.env.SPRINT_LOCAL_MODEL ? [{ id: LOCAL_ENDPOINT_ID, name: "Local GGUF (SPRINT_LOCAL_MODEL)", kind: "local-gguf", model: process.env.SPRINT_LOCAL_MODEL, baseUrl: null }] : [];
  return {
    endpoints: [...endpoints, ...local],
    modelVersions,
    datasets,
    canRun: hasRole(actor.role, "reviewer"),
    defaults: { sprint: sprintParamsSchema.parse({}), sequential: sequentialParamsSchema.parse({}) },
  };
}

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
        metadata: { inferenceRunId: run.id, source: "playground" },
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
