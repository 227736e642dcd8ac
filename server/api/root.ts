import { createCallerFactory, createTRPCRouter } from "./trpc";
import { accountRouter } from "./routers/account";
import { workspaceRouter } from "./routers/workspace";
import { membersRouter } from "./routers/members";
import { datasetsRouter } from "./routers/datasets";
import { tasksRouter } from "./routers/tasks";
import { curationRouter } from "./routers/curation";
import { tracesRouter } from "./routers/traces";
import { snapshotsRouter } from "./routers/snapshots";
import { endpointsRouter } from "./routers/endpoints";
import { importsRouter } from "./routers/imports";
import { templatesRouter } from "./routers/templates";
import { reviewRouter, commentsRouter } from "./routers/review";
import { trajectoriesRouter } from "./routers/trajectories";
import { inferenceRouter } from "./routers/inference";
import { evalRouter } from "./routers/eval";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  workspace: workspaceRouter,
  members: membersRouter,
  datasets: datasetsRouter,
  tasks: tasksRouter,
  curation: curationRouter,
  traces: tracesRouter,
  snapshots: snapshotsRouter,
  endpoints: endpointsRouter,
  imports: importsRouter,
  templates: templatesRouter,
  review: reviewRouter,
  comments: commentsRouter,
  trajectories: trajectoriesRouter,
  inference: inferenceRouter,
  eval: evalRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
