/**
 * `finetune-poll`: one item job per active fine-tune. Each run polls the provider once (`syncJob`) and, while the
 * job is active, defers itself (`JobDeferredError`: back in the queue after the poll interval, no attempt spent),
 * so the UI is live with no browser open. The job lives in pg-boss and every poll's result is in Postgres, so a
 * worker restart (graceful: the job is released; killed: pg-boss expires and retries it) loses nothing.
 * A provider error is recorded once as a warning event and polling continues at a slower pace.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { defineItemJob, JobDeferredError } from "../../jobs/job";
import { enqueueItems, queueQuery, QUEUE_SCHEMA } from "../../jobs/queue";
import { addEvents, syncJob } from "../sync";
import { errMessage, eventKey } from "../providers/common";

export const FINETUNE_POLL_KIND = "finetune-poll";

export function pollIntervalMs(): number {
  const v = Number(process.env.SPRINT_FINETUNE_POLL_MS);
  return Number.isFinite(v) && v >= 100 ? v : 15_000;
}

export const finetunePollJob = defineItemJob({
  kind: FINETUNE_POLL_KIND,
  input: z.strictObject({ jobId: z.string().min(1).max(64) }),
  retry: { limit: 5, delaySeconds: 10, backoff: true },
  timeoutSeconds: 300,
  async handler({ input }) {
    let terminal: boolean;
    try {
      terminal = (await syncJob(prisma, input.jobId)).terminal;
    } catch (e) {
      const message = `Polling the provider failed (will retry): ${errMessage(e)}`;
      await addEvents(prisma, input.jobId, [{ key: `poll-error:${eventKey(message)}`, at: new Date(), level: "warning", type: "poll", message }]).catch(() => 0);
      throw new JobDeferredError(pollIntervalMs() * 4, "provider error");
    }
    if (!terminal) throw new JobDeferredError(pollIntervalMs(), "still running");
    return { jobId: input.jobId, done: true };
  },
});

/** Queues the poller of a fine-tune unless one is already queued or running. */
export async function enqueueFineTunePoll(jobId: string): Promise<void> {
  const pending = await queueQuery<{ id: string }>(
    `SELECT id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state < 'completed' AND data @> $2::jsonb LIMIT 1`,
    [FINETUNE_POLL_KIND, JSON.stringify({ jobId })],
  ).catch(() => []);
  if (pending.length > 0) return;
  await enqueueItems(finetunePollJob, [{ jobId }]);
}
