/** Prompt templates of the LLM curation backend. Logic in server/curation/templates.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import { listTemplates, saveTemplateFor, saveTemplateInput } from "../../curation/templates";

export const templatesRouter = createTRPCRouter({
  /** The current template of each kind, the built-in default, and the saved versions. */
  list: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => listTemplates(ctx.db, actorOf(ctx)))),
  save: workspaceProcedure("curator")
    .input(saveTemplateInput)
    .mutation(({ ctx, input }) => serviceCall(() => saveTemplateFor(ctx.db, actorOf(ctx), input))),
});
