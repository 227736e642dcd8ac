import { ServiceError } from "../service-error";

/** A fine-tune / registry service error (its code becomes the tRPC code). */
export class FineTuneError extends ServiceError {}
