/** The playground's service error (its code becomes the tRPC code) and the pseudo-endpoint of the local model. */
import { z } from "zod";
import { ServiceError, type Actor } from "../service-error";

/** Ids in playground inputs. */
export const idSchema = z.string().min(1).max(64);
export const runIdInput = z.object({ runId: idSchema });

export type { Actor };
/** A playground service error (its code becomes the tRPC code). */
export class InferenceError extends ServiceError {}

/** The pseudo-endpoint of the embedded GGUF model (only when SPRINT_LOCAL_MODEL is set). */
export const LOCAL_ENDPOINT_ID = "local-gguf";

