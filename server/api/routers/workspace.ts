import { z } from "zod";
import { createTRPCRouter, workspaceProcedure, audit } from "../trpc";

export const workspaceRouter = createTRPCRouter({
  get: workspaceProcedure("viewer").query(async ({ ctx }) => {
    const ws = await ctx.db.workspace.findUniqueOrThrow({
      where: { id: ctx.workspaceId },
      select: { id: true, name: true, slug: true, createdAt: true, _count: { select: { memberships: true, datasets: true } } },
    });
    return { ...ws, myRole: ctx.role };
  }),

  rename: workspaceProcedure("admin")
    .input(z.object({ name: z.string().trim().min(1).max(80) }))
    .mutation(async ({ ctx, input }) => {
      const ws = await ctx.db.workspace.update({ where: { id: ctx.workspaceId }, data: { name: input.name } });
      await audit(ctx, ctx.workspaceId, "workspace.rename", { type: "workspace", id: ws.id }, { name: input.name });
      return { id: ws.id, name: ws.name };
    }),

  auditLog: workspaceProcedure("admin")
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), cursor: z.string().optional() }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.auditEvent.findMany({
        where: { workspaceId: ctx.workspaceId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
        select: { id: true, action: true, targetType: true, targetId: true, data: true, createdAt: true, actor: { select: { email: true, name: true } } },
      });
      const nextCursor = rows.length > input.limit ? rows.pop()!.id : null;
      return { items: rows, nextCursor };
    }),
});
