/** Endpoints (OpenAI-compatible servers) of a workspace. Logic in server/endpoints/service.ts. */
import { actorOf, createTRPCRouter, serviceCall, workspaceProcedure } from "../trpc";
import * as endpoints from "../../endpoints/service";

export const endpointsRouter = createTRPCRouter({
  list: workspaceProcedure("viewer").query(({ ctx }) => serviceCall(() => endpoints.listEndpoints(ctx.db, actorOf(ctx)))),
  create: workspaceProcedure("admin")
    .input(endpoints.createEndpointInput)
    .mutation(({ ctx, input }) => serviceCall(() => endpoints.createEndpoint(ctx.db, actorOf(ctx), input))),
  /** Changing the base URL to another server requires the API key again (the stored key stays with its server). */
  update: workspaceProcedure("admin")
    .input(endpoints.updateEndpointInput)
    .mutation(({ ctx, input }) => serviceCall(() => endpoints.updateEndpoint(ctx.db, actorOf(ctx), input))),
  remove: workspaceProcedure("admin")
    .input(endpoints.endpointIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => endpoints.removeEndpoint(ctx.db, actorOf(ctx), input))),
  /** Checks the endpoint answers (GET {baseUrl}/models), with the stored key. */
  test: workspaceProcedure("admin")
    .input(endpoints.endpointIdInput)
    .mutation(({ ctx, input }) => serviceCall(() => endpoints.testEndpoint(ctx.db, actorOf(ctx), input))),
});
