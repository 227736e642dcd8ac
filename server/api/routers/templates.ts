import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";
import { currentTemplate, defaultTemplate, saveTemplate } from "../../curation/templates";
import { TemplateError } from "../../curation/llm/templates";

const kind = z.enum(["extract", "dag"]);

export const templatesRouter = createTRPCRouter({
  /** The current template of each kind, the built-in default, and the saved versions. */
  list: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const rows = await ctx.db.promptTemplate.findMany({
      where: { workspaceId: ctx.workspaceId },
      orderBy: [{ kind: "asc" }, { version: "desc" }],
      select: { id: true, kind: true, version: true, system: true, user: true, note: true, createdAt: true },
    });
    const out = {} as Record<"extract" | "dag", { current: Awaited<ReturnType<typeof currentTemplate>>; builtIn: ReturnType<typeof defaultTemplate>; versions: typeof rows }>;
    for (const k of ["extract", "dag"] as const) {
      out[k] = { current: await currentTemplate(ctx.db, ctx.workspaceId, k), builtIn: defaultTemplate(k), versions: rows.filter((r) => r.kind === k) };
    }
    return out;
  }),

  save: workspaceProcedure("curator")
    .input(z.object({ kind, system: z.string().max(50_000), user: z.string().min(1).max(50_000), note: z.string().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      try {
        const t = await saveTemplate(ctx.db, {
          workspaceId: ctx.workspaceId,
          userId: ctx.user.id,
          kind: input.kind,
          system: input.system,
          user: input.user,
          note: input.note,
        });
        await audit(ctx, ctx.workspaceId, "template.save", { type: "promptTemplate", id: t.id }, { kind: t.kind, version: t.version });
        return { id: t.id, version: t.version };
      } catch (err) {
        if (err instanceof TemplateError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
        throw err;
      }
    }),
});
