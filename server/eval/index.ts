/**
 * Evaluation service (issue #15): benchmarks, engine-backed eval runs (jobs/eval-item.ts), imported
 * recorded generations, human decisions on undecided answers, reports and comparisons, and the summary the
 * model registry's promotion gate reads. See README.md.
 */
export * from "./benchmarks";
export * from "./imports";
export * from "./runs";
export * from "./decisions";
export * from "./report";
export * from "./summary";
export { EvalError } from "./errors";
export { EVAL_MODES, evalParamsSchema, type EvalMode } from "./params";
export { PAPER_REFERENCE, referenceRowsFor } from "./reference";
export * from "./inputs";
