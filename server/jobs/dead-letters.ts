/**
 * Dead letters: jobs whose last attempt failed or expired land in the kind's dead-letter queue. The worker
 * drains them every few seconds only to record the failure once — a task becomes failed, an item kind's
 * `giveUp` runs — then completes the dead letter (it stays in the queue, completed, for inspection).
 */
import type PgBoss from "pg-boss";
import { prisma } from "../db/client";
import { jobDataSchema } from "./queue";
import { deadLetterQueue, getJob } from "./registry";

/** The failure message pg-boss stored on a failed job (runner's `{ message }`, or expiry's `{ value: { message } }`). */
export function failureMessage(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const m = o?.message ?? o?.value?.message;
  return typeof m === "string" && m ? m : "the job failed";
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Records and completes up to 20 dead letters per kind. `stopping()` ends the drain early. */
export async function drainDeadLetters(boss: PgBoss, kinds: readonly string[], log: (line: string) => void, stopping: () => boolean): Promise<void> {
  for (const kind of kinds) {
    if (stopping()) return;
    const def = getJob(kind);
    const dead = deadLetterQueue(kind);
    let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
    try {
      jobs = await boss.fetch<unknown>(dead, { batchSize: 20, includeMetadata: true });
    } catch (err) {
      log(`${dead}: fetch failed: ${errText(err)}`);
    }
    for (const job of jobs) {
      const error = failureMessage(job.output);
      try {
        if (def.mode === "item") {
          await def.giveUp(job.data, `Gave up after ${job.retryLimit + 1} attempt${job.retryLimit === 0 ? "" : "s"}: ${error}`);
        } else {
          const data = jobDataSchema.safeParse(job.data);
          if (data.success) {
            await prisma.task.updateMany({
              where: { id: data.data.taskId, status: { in: ["queued", "running"] } },
              data: { status: "failed", error, message: "Failed: its last attempt did not finish", finishedAt: new Date() },
            });
          }
        }
        await boss.complete(dead, job.id);
      } catch (err) {
        log(`${dead} job=${job.id.slice(0, 8)}: could not record the dead letter: ${errText(err)}`);
        await boss.fail(dead, job.id, { message: errText(err) }).catch(() => undefined);
      }
    }
  }
}
