/**
 * THE composition file of background jobs: every job kind the app runs, and nothing else. `server/jobs` (the
 * queue, the worker, retries, dead letters, progress) knows no domain; each domain service owns its jobs in
 * its own folder (`server/<domain>/jobs/*.ts`, built with `defineJob` / `defineItemJob` from
 * `server/jobs/job.ts`) and lists them here. Importing this module registers them; every worker process
 * imports it before `startWorker()` (scripts/worker.ts, tests that run a worker).
 *
 * To add a job kind (e.g. a fine-tune poller in server/finetune/jobs/poll.ts):
 *   1. define it in the domain's `jobs/` folder and export the definition;
 *   2. import it below and append it to `JOB_KINDS` (one line each);
 *   3. enqueue it from the domain's service by passing the definition: `enqueueTask({ kind: pollJob, … })`.
 * `server/job-kinds.test.ts` fails when a definition exported from a `server/<domain>/jobs/` file is missing here.
 */
import type { z } from "zod";
import type { ItemJobDefinition, JobDefinition } from "./jobs/job";
import { registerJobs } from "./jobs/registry";
// ── curation (server/curation/jobs) ──
import { recountTokensJob } from "./curation/jobs/recount-tokens";
import { curationRunJob } from "./curation/jobs/curation-run";
import { curationTraceJob } from "./curation/jobs/curation-trace";
import { indexTraceSearchJob } from "./curation/jobs/index-trace-search";
// ── finetune (server/finetune/jobs) ──
import { finetunePollJob } from "./finetune/jobs/poll";
// ── eval (server/eval/jobs) ──
import { evalItemJob } from "./eval/jobs/eval-item";

/** Every job kind of the app, in one list. */
export const JOB_KINDS: readonly (JobDefinition<z.ZodType> | ItemJobDefinition<z.ZodType>)[] = [
  // curation
  recountTokensJob,
  curationRunJob,
  curationTraceJob,
  indexTraceSearchJob,
  // finetune
  finetunePollJob,
  // eval
  evalItemJob,
];

registerJobs(JOB_KINDS);
