/**
 * The offline curation backend (the product's default: no LLM needed). Step extraction from
 * discourse markers, paragraphs and verification phrases (extract.ts), dependency detection from the
 * results each step uses (dag.ts); packing and filters are the core's (`curate` in
 * server/sprint/packing.ts). Pure and synchronous underneath; the backend wraps it in the async
 * {@link CurationBackend} interface.
 */
import type { CurationBackend, CurationInput, DagResult, ExtractResult } from "../types";
import type { Step } from "../../sprint/steps";
import { buildDagHeuristicWithConfidence } from "./dag";
import { extractStepsHeuristic, type HeuristicOptions } from "./extract";

export { buildDagHeuristic, buildDagHeuristicWithConfidence, dagDoubts } from "./dag";
export { classifyLine, extractStepsHeuristic, paragraphStartsOf, segmentLines, type HeuristicOptions } from "./extract";
export { edgeCounts, hiddenDependencies, matchSteps, prf, segmentationCounts, sumCounts, type EdgeCounts, type HiddenDependencyCounts } from "./evaluate";

/** A {@link CurationInput} that may carry the paragraph starts of its lines (see `paragraphStartsOf`). */
export interface HeuristicCurationInput extends CurationInput {
  paragraphStarts?: readonly number[];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

function optionsFor(input: HeuristicCurationInput, base: HeuristicOptions): HeuristicOptions {
  const opts: HeuristicOptions = { ...base };
  if (input.paragraphStarts !== undefined) opts.paragraphStarts = input.paragraphStarts;
  if (input.question !== "") opts.question = input.question;
  return opts;
}

/** A heuristic backend with fixed options (e.g. `{ transitiveReduction: false }` for experiments). */
export function createHeuristicBackend(base: HeuristicOptions = {}): CurationBackend {
  return {
    name: "heuristic",
    estimate: true,
    extractSteps(input: HeuristicCurationInput, signal?: AbortSignal): Promise<ExtractResult> {
      return Promise.resolve().then(() => {
        throwIfAborted(signal);
        const steps = extractStepsHeuristic(input.lines, optionsFor(input, base));
        const notes = input.paragraphStarts === undefined ? ["no paragraph information: boundaries from discourse markers only"] : [];
        return notes.length > 0 ? { steps, notes } : { steps };
      });
    },
    buildDag(input: HeuristicCurationInput, steps: Step[], signal?: AbortSignal): Promise<DagResult> {
      return Promise.resolve().then(() => {
        throwIfAborted(signal);
        const { dag, lowConfidence } = buildDagHeuristicWithConfidence(input.lines, steps, optionsFor(input, base));
        return lowConfidence.length > 0 ? { dag, lowConfidence } : { dag };
      });
    },
  };
}

/** The default offline backend. */
export const heuristicBackend: CurationBackend = createHeuristicBackend();
