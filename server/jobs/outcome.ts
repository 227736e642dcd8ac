/** What the worker tells pg-boss after an attempt, and the one-line description it logs. */
import type PgBoss from "pg-boss";
import { releaseJob } from "./queue";
import type { RunOutcome, RunReport } from "./runner";

/** Records an attempt's outcome in pg-boss (complete, fail, cancel or put back). */
export async function settleOutcome(boss: PgBoss, kind: string, jobId: string, outcome: RunOutcome): Promise<void> {
  switch (outcome.type) {
    case "succeeded":
      await boss.complete(kind, jobId, outcome.output === undefined ? undefined : (outcome.output as object));
      return;
    case "retry":
    case "failed":
      await boss.fail(kind, jobId, { message: outcome.error });
      return;
    case "failed-permanently":
      await boss.complete(kind, jobId, { error: outcome.error, permanent: true });
      return;
    case "skipped":
      await boss.complete(kind, jobId, { skipped: outcome.reason });
      return;
    case "cancelled":
      await boss.cancel(kind, jobId);
      return;
    case "released":
      await releaseJob(kind, jobId);
      return;
    case "deferred":
      await releaseJob(kind, jobId, outcome.delayMs);
      return;
  }
}

/** "succeeded → {…}", "failed, will retry: …", "deferred (…)" … */
export function describeOutcome(r: RunReport): string {
  const o = r.outcome;
  switch (o.type) {
    case "succeeded":
      return o.output === undefined ? "succeeded" : `succeeded → ${JSON.stringify(o.output).slice(0, 300)}`;
    case "cancelled":
    case "released":
      return o.type;
    case "retry":
      return `failed, will retry: ${o.error}`;
    case "failed":
    case "failed-permanently":
      return `failed: ${o.error}`;
    case "skipped":
      return `skipped (${o.reason})`;
    case "deferred":
      return `deferred (${o.reason})`;
  }
}
