/**
 * An already-curated SPRINT trajectory (imported with the `sprint` preset) as the columns of a
 * `CuratedTrajectory` row: steps, DAG edges and stages recovered from the rounds, plus metrics. Pure.
 *
 * Recovery: every plan chunk is a step (its prompt and matching execution, if any; plan text without the
 * `Based on execution_x.y:` lines). A step's parents are the steps whose executions its `Based on` line
 * names; a chunk without such a line inherits the previous chunk's references in the same round — the
 * packer (server/sprint/packing.ts `buildTrajectory`) writes the line only when the references change.
 * Stages are the rounds as written. Metrics use the fast approximate tokenizer (`metrics.tokenizer` says
 * so); a curation run with the Qwen tokenizer recomputes them.
 */
import { basedOnRefs } from "../../sprint/format";
import { trajectoryMetrics, type TrajectoryMetrics } from "../../sprint/metrics";
import { dagEdges, type Dag, type Edge, type Step } from "../../sprint/steps";
import type { Stage } from "../../sprint/packing";
import { approxTokenizer } from "../../sprint/tokenizer";
import type { Tokenizer, Trajectory } from "../../sprint/types";

export interface CuratedColumns {
  steps: Step[];
  dag: Dag;
  dagEdges: Edge[];
  stages: Stage[];
  /** Stage of every step id: the `stages` column's shape (as curation runs store it). */
  stageOf: Record<number, number>;
  metrics: TrajectoryMetrics;
  sequentialTokens: number;
  totalTokens: number;
  stageCount: number;
}

const BASED_ON_LINE = /^\s*Based on\b/;

function withoutBasedOnLines(text: string): string {
  if (!text.includes("Based on")) return text;
  return text
    .split("\n")
    .filter((line) => !(BASED_ON_LINE.test(line) && basedOnRefs(line).length > 0))
    .join("\n")
    .trim();
}

/** Steps, DAG and stages of a trajectory (see the module comment). */
export function stepsFromTrajectory(trajectory: Trajectory): { steps: Step[]; dag: Record<number, number[]>; stages: Stage[] } {
  const steps: Step[] = [];
  const dag: Record<number, number[]> = {};
  const stages: Stage[] = [];
  const stepOfExecution = new Map<string, number>();
  for (const round of trajectory.rounds) {
    const stage: Stage = { index: round.index, stepIds: [], executedStepIds: [] };
    let inherited: number[] = [];
    const used = new Set<number>();
    for (const chunk of round.chunks) {
      const refs = basedOnRefs(chunk.text);
      if (refs.length > 0) {
        const parents: number[] = [];
        for (const r of refs) {
          const p = stepOfExecution.get(`${r.round}.${r.index}`);
          if (p !== undefined && !parents.includes(p)) parents.push(p);
        }
        inherited = parents.sort((a, b) => a - b);
      }
      const id = steps.length + 1;
      const step: Step = { id, plan: withoutBasedOnLines(chunk.text) };
      if (chunk.prompt) {
        step.prompt = chunk.prompt.text;
        const ei = round.executions.findIndex((e, j) => !used.has(j) && e.index === chunk.prompt?.index);
        if (ei >= 0) {
          used.add(ei);
          step.execution = round.executions[ei]?.text ?? "";
          stepOfExecution.set(`${round.index}.${chunk.prompt.index}`, id);
          stage.executedStepIds.push(id);
        }
      }
      steps.push(step);
      stage.stepIds.push(id);
      dag[id] = [...inherited];
    }
    stages.push(stage);
  }
  return { steps, dag, stages };
}

/** Every column of a curated row for an imported trajectory. */
export function curatedColumns(trajectory: Trajectory, tokenizer: Tokenizer = approxTokenizer): CuratedColumns {
  const { steps, dag, stages } = stepsFromTrajectory(trajectory);
  let metrics: TrajectoryMetrics;
  try {
    metrics = trajectoryMetrics(trajectory, tokenizer, { steps, dag });
  } catch {
    metrics = trajectoryMetrics(trajectory, tokenizer);
  }
  return {
    steps,
    dag,
    dagEdges: dagEdges(dag),
    stages,
    stageOf: Object.fromEntries(stages.flatMap((st) => st.stepIds.map((id) => [id, st.index]))),
    metrics,
    sequentialTokens: metrics.sequentialTokens,
    totalTokens: metrics.totalTokens,
    stageCount: metrics.stageCount,
  };
}
