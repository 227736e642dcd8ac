import { createCallerFactory, createTRPCRouter } from "./trpc";
import { accountRouter } from "./routers/account";
import { workspaceRouter } from "./routers/workspace";
import { membersRouter } from "./routers/members";
import { datasetsRouter } from "./routers/datasets";
import { tasksRouter } from "./routers/tasks";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  workspace: workspaceRouter,
  members: membersRouter,
  datasets: datasetsRouter,
  tasks: tasksRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
