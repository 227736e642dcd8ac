/**
 * `curation-run`: the Task kind of a curation run. The run's Task row is created WITHOUT a job of its own
 * (`createTask`, server/curation/runs.ts); the run's traces are `curation-trace` item jobs
 * (./curation-trace.ts) that keep this Task's progress and finish it. The kind stays registered for its
 * input schema and so that a run queued by an older version (one `curation-run` job curating every row)
 * ends cleanly instead of waiting forever: its job fails the run with a clear message.
 */
import { z } from "zod";
import { prisma } from "../../db/client";
import { defineJob, PermanentJobError } from "../../jobs/job";

export const curationRunInput = z.strictObject({ runId: z.string().min(1).max(64) });

export const curationRunJob = defineJob({
  kind: "curation-run",
  input: curationRunInput,
  retry: { limit: 0, delaySeconds: 0, backoff: false },
  timeoutSeconds: 60,
  async handler(ctx) {
    await prisma.curationRun.updateMany({
      where: { id: ctx.input.runId, status: { in: ["queued", "running"] }, dataset: { workspaceId: ctx.task.workspaceId } },
      data: { status: "failed", finishedAt: new Date() },
    });
    throw new PermanentJobError("This run was queued by an older version of SPRINT Studio; start a new run.");
  },
});
