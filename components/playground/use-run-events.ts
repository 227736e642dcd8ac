"use client";
/**
 * Follows a playground run: `inference.get` for the run row (refetched while it runs), and its events
 * folded into a timeline model (server/inference/orchestrator/timeline.ts).
 *
 * - A finished run is replayed: all events loaded once through `inference.events` (paged).
 * - A live run streams over Server-Sent Events (`/api/inference/runs/<id>/stream?after=<seq>`); on a
 *   dropped connection it reconnects with the last seq it has; after 3 failures in a row (or without
 *   EventSource) it polls `inference.events` every 500 ms.
 *
 * Events are buffered and applied once per animation frame (at most ~every 200 ms in a background tab),
 * so a burst of deltas costs one render, not one per event.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { errorMessage, useTRPC, useTRPCClient } from "@/lib/trpc";
import { useWorkspace } from "@/components/workspace-context";
import type { InferenceEvent } from "@/server/inference/orchestrator/events";
import { applyEvents, emptyTimeline, type TimelineModel } from "@/server/inference/orchestrator/timeline";

export type Transport = "idle" | "replay" | "sse" | "poll" | "done";

export function isLiveStatus(status: string | null | undefined): boolean {
  return status === "running" || status === "queued";
}

export function useRunEvents(runId: string | null) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const run = useQuery({
    ...trpc.inference.get.queryOptions({ workspaceId: ws.id, runId: runId ?? "" }),
    enabled: Boolean(runId),
    refetchInterval: (q) => (isLiveStatus(q.state.data?.status) ? 2000 : false),
  });

  const [model, setModel] = useState<TimelineModel>(emptyTimeline);
  const [transport, setTransport] = useState<Transport>("idle");
  const [streamError, setStreamError] = useState<string | null>(null);
  const statusRef = useRef<string | null>(null);
  statusRef.current = run.data?.status ?? null;
  const known = run.data !== undefined;
  const workspaceId = ws.id;

  useEffect(() => {
    if (!runId || !known) return;
    let stopped = false;
    let model = emptyTimeline();
    const pending: InferenceEvent[] = [];
    let maxSeq = -1;
    let frame: number | null = null;
    let fallback: ReturnType<typeof setTimeout> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let es: EventSource | null = null;
    let failures = 0;
    let gapRetried = false;
    setModel(model);
    setStreamError(null);

    const flush = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      frame = null;
      fallback = null;
      if (stopped || pending.length === 0) return;
      const next = applyEvents(model, pending.splice(0));
      if (next !== model) {
        model = next;
        setModel(next);
      }
      if (model.lastSeq < maxSeq) {
        // A gap (events missing before the ones received): fetch again from the last applied seq.
        maxSeq = model.lastSeq;
        if (es) {
          es.close();
          es = null;
          retry = setTimeout(connect, 0);
        }
      }
    };
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(flush);
      if (fallback === null) fallback = setTimeout(flush, 200);
    };
    const push = (events: readonly InferenceEvent[]) => {
      for (const e of events) {
        if (e.seq <= maxSeq) continue;
        pending.push(e);
        maxSeq = e.seq;
      }
      if (pending.length > 0) schedule();
    };
    const finish = () => {
      flush();
      if (stopped) return;
      if (model.lastSeq < maxSeq || (model.status === "running" && !gapRetried)) {
        // The stream ended but the model is incomplete: one replay from the last applied seq.
        gapRetried = true;
        maxSeq = model.lastSeq;
        void poll(true);
        return;
      }
      setTransport("done");
      void qc.invalidateQueries({ queryKey: trpc.inference.get.queryKey({ workspaceId, runId }) });
    };

    const poll = async (replay: boolean) => {
      setTransport(replay ? "replay" : "poll");
      let errors = 0;
      while (!stopped) {
        try {
          const page = await client.inference.events.query({ workspaceId, runId, afterSeq: maxSeq });
          errors = 0;
          push(page.events);
          if (replay) flush();
          if (page.done) return finish();
          if (page.events.length >= 1000) continue; // more pages right away
        } catch (err) {
          errors++;
          setStreamError(errorMessage(err));
          if (errors >= 20) return;
        }
        await new Promise((r) => setTimeout(r, errors > 0 ? Math.min(5000, 500 * 2 ** errors) : 500));
      }
    };

    const connect = () => {
      if (stopped) return;
      setTransport("sse");
      es = new EventSource(`/api/inference/runs/${encodeURIComponent(runId)}/stream?after=${maxSeq}`);
      es.onmessage = (m: MessageEvent<string>) => {
        failures = 0;
        try {
          push([JSON.parse(m.data) as InferenceEvent]);
        } catch {
          // a malformed message: ignore (the next reconnect resumes from the last good seq)
        }
      };
      es.addEventListener("end", () => {
        es?.close();
        es = null;
        finish();
      });
      es.onerror = () => {
        es?.close();
        es = null;
        if (stopped) return;
        flush();
        failures++;
        if (failures >= 3) void poll(false);
        else retry = setTimeout(connect, 400 * failures);
      };
    };

    if (!isLiveStatus(statusRef.current)) void poll(true);
    else if (typeof EventSource === "undefined") void poll(false);
    else connect();

    return () => {
      stopped = true;
      es?.close();
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      if (retry !== null) clearTimeout(retry);
    };
  }, [runId, known, workspaceId, client, qc, trpc]);

  return { run, model, transport, streamError };
}
