/**
 * The job-kind registry of the domain-free queue. It knows no domain: the kinds the app runs are listed in
 * ONE composition file, `server/job-kinds.ts`, which registers them (import it in a worker process before
 * `startWorker`). Tests add their own kinds with {@link registerJob}.
 *
 * Enqueuing does not need the registry: services pass their own job definition to `enqueueTask` /
 * `enqueueItems` / `createTask` (see {@link resolveJob}); a kind given by name must have been registered.
 */
import { z } from "zod";
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_SECONDS,
  JobInputError,
  UnknownJobKindError,
  type ItemJobContext,
  type ItemJobDefinition,
  type JobContext,
  type JobDefinition,
  type JobResult,
  type RetryPolicy,
} from "./job";

interface RegisteredBase {
  readonly kind: string;
  readonly retry: RetryPolicy;
  readonly timeoutSeconds: number;
  /** Validates `input` with the kind's schema; throws {@link JobInputError}. Returns the parsed input. */
  parseInput(input: unknown): unknown;
}

/** A registered task kind with its types erased: `run` validates the input, then calls the typed handler. */
export interface RegisteredTaskJob extends RegisteredBase {
  readonly mode: "task";
  /** Validates the input, then runs the handler. */
  run(ctx: Omit<JobContext<unknown>, "input">, rawInput: unknown): Promise<JobResult>;
}

/** A registered item (task-less) kind with its types erased. */
export interface RegisteredItemJob extends RegisteredBase {
  readonly mode: "item";
  /** Validates the input, then runs the handler. */
  run(ctx: Omit<ItemJobContext<unknown>, "input">, rawInput: unknown): Promise<JobResult>;
  /** Calls the definition's `giveUp` (a no-op without one, or when the input is invalid). */
  giveUp(rawInput: unknown, error: string): Promise<void>;
}

export type RegisteredJob = RegisteredTaskJob | RegisteredItemJob;

const globalRegistry = globalThis as unknown as { __sprintJobRegistry?: Map<string, RegisteredJob> };
const registry: Map<string, RegisteredJob> = (globalRegistry.__sprintJobRegistry ??= new Map());

/** A readable one-line summary of Zod issues ("datasetId: Invalid input: expected string, received undefined"). */
export function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? `${i.path.map(String).join(".")}: ` : ""}${i.message}`)
    .join("; ");
}

function erase<S extends z.ZodType>(def: JobDefinition<S> | ItemJobDefinition<S>): RegisteredJob {
  const parseInput = (input: unknown): z.output<S> => {
    const r = def.input.safeParse(input);
    if (!r.success) throw new JobInputError(def.kind, r.error.issues, summarizeIssues(r.error));
    return r.data;
  };
  if ("mode" in def && def.mode === "item") {
    return {
      mode: "item",
      kind: def.kind,
      retry: def.retry ?? DEFAULT_RETRY,
      timeoutSeconds: def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      parseInput,
      run: (ctx, rawInput) => def.handler({ ...ctx, input: parseInput(rawInput) }),
      giveUp: async (rawInput, error) => {
        const r = def.input.safeParse(rawInput);
        if (r.success && def.giveUp) await def.giveUp(r.data, error);
      },
    };
  }
  const task = def as JobDefinition<S>;
  return {
    mode: "task",
    kind: def.kind,
    retry: def.retry ?? DEFAULT_RETRY,
    timeoutSeconds: def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    parseInput,
    run: (ctx, rawInput) => task.handler({ ...ctx, input: parseInput(rawInput) }),
  };
}

/**
 * Registers a job kind (task or item). Registering the same kind again replaces it (hot reload, tests); two different
 * definitions with one name in production code would be a bug.
 */
export function registerJob<S extends z.ZodType>(def: JobDefinition<S> | ItemJobDefinition<S>): void {
  registry.set(def.kind, erase(def));
}

/** Registers several kinds (the composition file's list). */
export function registerJobs(defs: readonly (JobDefinition<z.ZodType> | ItemJobDefinition<z.ZodType>)[]): void {
  for (const def of defs) registerJob(def);
}

/** A job kind as callers name it: its registered name, or its definition (what a service owning the job passes). */
export type JobRef = string | JobDefinition<z.ZodType> | ItemJobDefinition<z.ZodType>;

const erased = new WeakMap<object, RegisteredJob>();

/**
 * The kind a {@link JobRef} names: by name from the registry (throws {@link UnknownJobKindError}), or the
 * definition itself (no registration needed to enqueue; the worker serves what `server/job-kinds.ts` lists).
 */
export function resolveJob(ref: JobRef): RegisteredJob {
  if (typeof ref === "string") return getJob(ref);
  let job = erased.get(ref);
  if (!job) erased.set(ref, (job = erase(ref)));
  return job;
}

/** The registered kind, or undefined. */
export function findJob(kind: string): RegisteredJob | undefined {
  return registry.get(kind);
}

/** The registered kind; throws {@link UnknownJobKindError}. */
export function getJob(kind: string): RegisteredJob {
  const job = registry.get(kind);
  if (!job) throw new UnknownJobKindError(kind);
  return job;
}

/** Names of all registered kinds. */
export function listJobKinds(): string[] {
  return [...registry.keys()];
}

/**
 * The dead-letter queue of a kind: jobs that failed their last attempt (or expired on it) land there. The
 * worker consumes them only to record the failure (Task row failed / item `giveUp`); the job stays there,
 * completed, for inspection.
 */
export function deadLetterQueue(kind: string): string {
  return `${kind}__dead`;
}
