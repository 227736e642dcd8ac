/** The model registry: models, immutable versions, aliases (history, rollback, protection, gates), lineage, model cards. Logic in server/finetune/registry.ts. */
import { z } from "zod";
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as reg from "../../finetune/registry";

const id = z.string().min(1).max(64);

export const modelsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer")
    .input(z.object({ search: z.string().max(200).optional() }))
    .query(({ ctx, input }) => serviceCall(() => reg.listModels(ctx.db, actorOf(ctx), input))),
  get: workspaceProcedure("viewer")
    .input(z.object({ modelId: id }))
    .query(({ ctx, input }) => serviceCall(() => reg.getModel(ctx.db, actorOf(ctx), input))),
  version: workspaceProcedure("viewer")
    .input(z.object({ versionId: id }))
    .query(({ ctx, input }) => serviceCall(() => reg.getVersion(ctx.db, actorOf(ctx), input))),
  create: workspaceProcedure("admin")
    .input(reg.createModelInput)
    .mutation(({ ctx, input }) => serviceCall(() => reg.createModel(ctx.db, actorOf(ctx), input))),
  register: workspaceProcedure("admin")
    .input(reg.registerVersionInput)
    .mutation(({ ctx, input }) => serviceCall(() => reg.registerVersion(ctx.db, actorOf(ctx), input))),
  setAlias: workspaceProcedure("curator")
    .input(reg.setAliasInput)
    .mutation(({ ctx, input }) => serviceCall(() => reg.setAlias(ctx.db, actorOf(ctx), input))),
  rollbackAlias: workspaceProcedure("curator")
    .input(z.object({ modelId: id, eventId: id }))
    .mutation(({ ctx, input }) => serviceCall(() => reg.rollbackAlias(ctx.db, actorOf(ctx), input))),
  removeAlias: workspaceProcedure("curator")
    .input(z.object({ modelId: id, alias: z.string().max(40) }))
    .mutation(({ ctx, input }) => serviceCall(() => reg.removeAlias(ctx.db, actorOf(ctx), input))),
  protectAlias: workspaceProcedure("admin")
    .input(reg.protectAliasInput)
    .mutation(({ ctx, input }) => serviceCall(() => reg.protectAlias(ctx.db, actorOf(ctx), input))),
  lineage: workspaceProcedure("viewer")
    .input(reg.lineageInput)
    .query(({ ctx, input }) => serviceCall(() => reg.lineage(ctx.db, actorOf(ctx), input))),
  modelCard: workspaceProcedure("viewer")
    .input(z.object({ versionId: id, datasetRepo: z.string().max(200).optional() }))
    .query(({ ctx, input }) => serviceCall(() => reg.exportModelCard(ctx.db, actorOf(ctx), input))),
});
