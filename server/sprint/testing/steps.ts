/** Step builders shared by the step, packing and editing tests. */
import type { Step } from "../steps";

/** An executed step: plan, prompt and execution text named after its id. */
export const exec = (id: number, extra: Partial<Step> = {}): Step => ({
  id,
  plan: `plan ${id}`,
  prompt: `prompt ${id}`,
  execution: `execution ${id}`,
  ...extra,
});

/** A plan-only step. */
export const planOnly = (id: number, extra: Partial<Step> = {}): Step => ({ id, plan: `plan ${id}`, ...extra });
