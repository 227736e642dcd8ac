/** The SPRINT orchestrator: the paper's planner/executor loop over a completion engine. */
export * from "./orchestrator";
export * from "./events";
export * from "./params";
export {
  buildRunPrefix,
  DEFAULT_FEW_SHOT,
  executorPrompt,
  EXECUTOR_STOP,
  FINAL_STOP,
  historyText,
  normalizeExecution,
  normalizePlan,
  PLANNER_STOP,
  plannerPrompt,
  type ExecutorContext,
  type FormatIssue,
  type NormalizedPlan,
  type RunPrefix,
} from "./context";
