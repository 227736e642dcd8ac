/** The trace table and one trace. Logic in server/curation/traces.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { getTrace, listTraces, listTracesInput, traceIdInput } from "../../curation/traces";

export const tracesRouter = createTRPCRouter({
  /** Server-paginated trace table; each trace with its latest curated trajectory (if any). */
  list: workspaceProcedure("viewer")
    .input(listTracesInput)
    .query(({ ctx, input }) => serviceCall(() => listTraces(ctx.db, actorOf(ctx), input))),
  /** One trace with its numbered lines and its curated trajectories (latest first). */
  get: workspaceProcedure("viewer")
    .input(traceIdInput)
    .query(({ ctx, input }) => serviceCall(() => getTrace(ctx.db, actorOf(ctx), input))),
});
