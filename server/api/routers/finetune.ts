/** Fine-tunes: provider accounts, launch (limits, price), jobs (status, events, metrics, checkpoints), cancel. Logic in server/finetune. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as ft from "../../finetune/service";
import { STATUSES, PROVIDER_KINDS } from "../../finetune/types";

const id = z.string().min(1).max(64);
const prepared = z.object({ trainFileId: z.string().max(200).optional(), validFileId: z.string().max(200).optional() }).optional();

export const finetuneRouter = createTRPCRouter({
  defaults: workspaceProcedure("viewer").query(() => ft.launchDefaults()),
  providers: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => ft.listProviders(ctx.db, actorOf(ctx)))),
  createProvider: workspaceProcedure("admin")
    .input(ft.providerInput)
    .mutation(({ ctx, input }) => serviceCall(() => ft.createProvider(ctx.db, actorOf(ctx), input))),
  removeProvider: workspaceProcedure("admin")
    .input(z.object({ providerId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => ft.removeProvider(ctx.db, actorOf(ctx), input))),
  quote: workspaceProcedure("admin")
    .input(ft.launchInput)
    .mutation(({ ctx, input }) => serviceCall(() => ft.quote(ctx.db, actorOf(ctx), input))),
  launch: workspaceProcedure("admin")
    .input(ft.launchInput.extend({ prepared }))
    .mutation(({ ctx, input }) => serviceCall(() => ft.launch(ctx.db, actorOf(ctx), input))),
  list: workspaceProcedure("viewer")
    .input(z.object({ status: z.enum(STATUSES).optional(), provider: z.enum(PROVIDER_KINDS).optional(), snapshotId: id.optional(), search: z.string().max(200).optional() }))
    .query(({ ctx, input }) => serviceCall(() => ft.listJobs(ctx.db, actorOf(ctx), input))),
  get: workspaceProcedure("viewer")
    .input(z.object({ jobId: id }))
    .query(({ ctx, input }) => serviceCall(() => ft.getJob(ctx.db, actorOf(ctx), input))),
  events: workspaceProcedure("viewer")
    .input(z.object({ jobId: id, afterId: z.number().int().min(0).default(0) }))
    .query(({ ctx, input }) => serviceCall(() => ft.listEvents(ctx.db, actorOf(ctx), input))),
  metrics: workspaceProcedure("viewer")
    .input(z.object({ jobId: id }))
    .query(({ ctx, input }) => serviceCall(() => ft.listMetrics(ctx.db, actorOf(ctx), input))),
  cancel: workspaceProcedure("admin")
    .input(z.object({ jobId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => ft.cancelJob(ctx.db, actorOf(ctx), input))),
  refresh: workspaceProcedure("curator")
    .input(z.object({ jobId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => ft.refreshJob(ctx.db, actorOf(ctx), input))),
  skyPilot: workspaceProcedure("admin")
    .input(z.object({ jobId: id, accelerators: z.string().max(60).optional() }))
    .query(({ ctx, input }) => serviceCall(() => ft.skyPilotTask(ctx.db, actorOf(ctx), input))),
});
