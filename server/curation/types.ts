/**
 * The curation service's one small interface: a backend turns a sequential trace into steps (paper §2.1,
 * step extraction) and a dependency DAG over them (§2.2). Packing, filters and the final answer are the
 * pure core's (server/sprint/packing.ts `curate`). Two backends: the offline heuristic (default, no LLM)
 * and an OpenAI-compatible chat LLM (the project's own wording of the method's two prompts, llm/templates.ts).
 */
import type { Step, Dag } from "../sprint/steps";

/** A trace ready for curation: its reasoning already split into numbered lines (1-based in `lines[0]`). */
export interface CurationInput {
  traceId: string;
  question: string;
  /** The reasoning split into sentences/lines (server/sprint/sequential.ts `splitSentences`). */
  lines: string[];
  /** 0-based indices of the lines that open a paragraph (blank line before), when known. */
  paragraphStarts?: readonly number[];
  referenceSolution?: string | null;
  referenceAnswer?: string | null;
}

export interface ExtractResult {
  /** Steps with line ranges (planLines / executionLines / commentLines) into `lines`. */
  steps: Step[];
  /** Diagnostic notes (e.g. "a ```json fence was removed"), stored with the trajectory. */
  notes?: string[];
  /**
   * Each repair made to the backend's structure so it could be used (an overlap assigned, an uncovered
   * line attached to a neighbour, a comment moved out of an execution…), stored on the trajectory and
   * shown on the trace page.
   */
  repairs?: string[];
  usage?: { promptTokens: number; completionTokens: number };
}

export interface DagResult {
  dag: Dag;
  notes?: string[];
  repairs?: string[];
  /**
   * Why this DAG may be wrong (empty/absent: no doubt). A non-empty list flags the trajectory as
   * low-confidence (stored, shown in the UI).
   */
  lowConfidence?: string[];
  usage?: { promptTokens: number; completionTokens: number };
}

/** Thrown when a backend's answer cannot be used (malformed, refused); the run records it as a failure. */
export class CurationBackendError extends Error {
  constructor(
    message: string,
    readonly code: "malformed" | "http" | "timeout" | "refused" | "invalid",
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface CurationBackend {
  readonly name: string;
  /**
   * True when the backend's structure is a guess without a model (the offline heuristic): its metrics
   * are labelled estimates in the UI.
   */
  readonly estimate?: boolean;
  extractSteps(input: CurationInput, signal?: AbortSignal): Promise<ExtractResult>;
  buildDag(input: CurationInput, steps: Step[], signal?: AbortSignal): Promise<DagResult>;
}
