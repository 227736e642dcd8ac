/**
 * Dataset imports: history and live counters of uploads (the upload itself streams through
 * `POST /api/datasets/[datasetId]/imports`), their per-line issues, cancellation, and pasting one trace.
 * Logic in server/curation/import/service.ts.
 */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as imports from "../../curation/import/service";

export const importsRouter = createTRPCRouter({
  /** A dataset's imports, newest first. */
  list: workspaceProcedure("viewer")
    .input(imports.listImportsInput)
    .query(({ ctx, input }) => serviceCall(() => imports.listImports(ctx.db, actorOf(ctx), input))),
  /** One import's status and counters (polled while it runs). */
  get: workspaceProcedure("viewer")
    .input(imports.importIdInput)
    .query(({ ctx, input }) => serviceCall(() => imports.getImport(ctx.db, actorOf(ctx), input))),
  /** An import's invalid and duplicate lines, by line number (keyset pages). */
  issues: workspaceProcedure("viewer")
    .input(imports.importIssuesInput)
    .query(({ ctx, input }) => serviceCall(() => imports.importIssues(ctx.db, actorOf(ctx), input))),
  /** Stops a running import after its current batch (rows already written stay). */
  cancel: workspaceProcedure("curator")
    .input(imports.importIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => imports.cancelImport(ctx.db, actorOf(ctx), input))),
  /** Adds one trace pasted as text (the reasoning may carry <think> / OpenThoughts markers and a trailing answer). */
  pasteTrace: workspaceProcedure("curator")
    .input(imports.pasteTraceInput)
    .mutation(({ ctx, input }) => serviceCall(() => imports.pasteTrace(ctx.db, actorOf(ctx), input))),
});
