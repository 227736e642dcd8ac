import { createTRPCRouter, workspaceProcedure, actorOf, serviceCall } from "../trpc";
import { countTraces, countTracesInput, getTrace, listTraces, listTracesInput, traceIdInput } from "../../curation/traces";

export const tracesRouter = createTRPCRouter({
  /** Keyset-paginated trace table; each trace with its latest curated trajectory's columns (server/curation/traces.ts). */
  list: workspaceProcedure("viewer")
    .input(listTracesInput)
    .query(({ ctx, input }) => serviceCall(() => listTraces(ctx.db, actorOf(ctx), input))),

  /** How many traces match the table's filters (asked once per filter set, not per page). */
  count: workspaceProcedure("viewer")
    .input(countTracesInput)
    .query(({ ctx, input }) => serviceCall(() => countTraces(ctx.db, actorOf(ctx), input))),

  /** One trace with its numbered lines and its curated trajectories (latest first). */
  get: workspaceProcedure("viewer")
    .input(traceIdInput)
    .query(({ ctx, input }) => serviceCall(() => getTrace(ctx.db, actorOf(ctx), input))),
});
