/**
 * Live events of a playground run as Server-Sent Events: `data: <InferenceEvent JSON>` per event (the same
 * persisted, coalesced events `inference.events` returns), then `event: end` when the run is over. Resume with
 * `?after=<last seq>`. A run that is finished, or running in another process, is served from the database.
 */
import { prisma } from "@/server/db/client";
import { routeAccess } from "@/server/auth/route-access";
import { findRun, runEvents, subscribe } from "@/server/inference/runs";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  // Same answer for a run that does not exist and one in someone else's workspace (ids are not probeable).
  const access = await routeAccess({ minRole: "viewer", find: () => findRun(prisma, runId), notFound: "No such run in your workspaces.", signedOut: "Sign in to follow runs." });
  if (!access.ok) return access.response;
  const afterParam = Number(new URL(req.url).searchParams.get("after") ?? req.headers.get("last-event-id") ?? -1);
  let last = Number.isInteger(afterParam) ? afterParam : -1;

  const enc = new TextEncoder();
  let cleanup = () => {};
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (e: InferenceEvent) => {
        if (closed || e.seq <= last) return;
        last = e.seq;
        controller.enqueue(enc.encode(`id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`));
      };
      const end = () => {
        if (closed) return;
        closed = true;
        controller.enqueue(enc.encode(`event: end\ndata: {}\n\n`));
        controller.close();
        cleanup();
      };
      // Subscribe first (buffering), then catch up from the database, then drain the buffer: no gap, no duplicate.
      const buffered: (InferenceEvent | null)[] = [];
      let live = false;
      const unsubscribe = subscribe(runId, (e) => {
        if (!live) buffered.push(e);
        else if (e === null) end();
        else send(e);
      });
      const heartbeat = setInterval(() => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(`: keep-alive\n\n`));
        } catch {
          closed = true;
          cleanup();
        }
      }, 15_000);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe?.();
      };
      req.signal.addEventListener("abort", () => {
        closed = true;
        cleanup();
      });
      try {
        for (;;) {
          const page = await runEvents(prisma, runId, last);
          for (const e of page.events) send(e);
          if (page.events.length < 5000) {
            if (!unsubscribe && page.done) return end();
            break;
          }
        }
        if (!unsubscribe) {
          // Running in another process (or just finished): poll the database until it is over or the client leaves.
          while (!closed) {
            await new Promise((r) => setTimeout(r, 300));
            if (closed) return;
            const page = await runEvents(prisma, runId, last);
            for (const e of page.events) send(e);
            if (page.done) return end();
          }
          return;
        }
        live = true;
        for (const e of buffered) {
          if (e === null) return end();
          send(e);
        }
      } catch (err) {
        if (closed) return;
        closed = true;
        cleanup();
        console.error(`[inference] stream of run ${runId} failed:`, err);
        controller.error(err);
      }
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
