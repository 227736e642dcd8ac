/**
 * `npm run worker`: runs the job worker in its own process (scripts/start.ts also spawns it next to the web
 * server). Needs DATABASE_URL, or a running embedded database (`npm start` on this machine).
 * Env: SPRINT_WORKER_CONCURRENCY (task jobs at once, default 2), SPRINT_WORKER_ITEM_CONCURRENCY (item jobs,
 * e.g. curation traces, at once, default 4), SPRINT_QUEUE_POLL_MS (default 500),
 * SPRINT_WORKER_STOP_TIMEOUT_MS (default 10000). SIGTERM / SIGINT stop it gracefully; a second signal exits at once.
 */
import "../server/job-kinds"; // registers every job kind the worker serves
import { prisma } from "../server/db/client";
import { dbMode, resolveDatabaseUrl } from "../server/db/database-url";
import { jobLog, queuePollIntervalMs, stopQueue } from "../server/jobs/queue";
import { startWorker, type Worker } from "../server/jobs/worker";

const START_ATTEMPTS = 10;

async function main(): Promise<void> {
  let url: string;
  try {
    url = resolveDatabaseUrl();
  } catch (err) {
    console.error(`[worker] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }

  let worker: Worker | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      jobLog(`worker: second ${signal}, exiting now`);
      process.exit(1);
    }
    stopping = true;
    jobLog(`worker: ${signal} received, stopping …`);
    void (async () => {
      try {
        await worker?.stop();
        await stopQueue();
        await prisma.$disconnect();
      } finally {
        jobLog("worker: stopped");
        process.exit(0);
      }
    })();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  for (let attempt = 1; !worker && !stopping; attempt++) {
    try {
      worker = await startWorker();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (attempt >= START_ATTEMPTS) {
        console.error(`[worker] could not reach the database (${msg}); giving up`);
        process.exit(1);
      }
      jobLog(`worker: database not ready (${msg}); retrying in 2 s`);
      await new Promise((r) => setTimeout(r, 2000));
      await stopQueue();
    }
  }
  if (!worker) return;
  jobLog(
    `worker: serving ${worker.kinds.join(", ")} · concurrency ${worker.concurrency} tasks + ${worker.itemConcurrency} items · polling every ` +
      `${queuePollIntervalMs()} ms · ${dbMode()} database ${url.replace(/:[^:@/]*@/, ":***@")}`,
  );
}

void main();
