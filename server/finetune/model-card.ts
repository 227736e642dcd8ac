/**
 * A Hugging Face model card (README.md) for a registered version: YAML front matter with `base_model`,
 * `datasets`, `tags`, `library_name`, `license` and `model-index` results (one entry per evaluation), then a body
 * with the training recipe and lineage. Pure.
 */
export interface ModelCardInput {
  modelName: string;
  version: number;
  baseModel: string | null;
  datasets: string[];
  tags: string[];
  license?: string;
  notes?: string | null;
  training?: { provider: string; method: string; hyperparams: Record<string, unknown>; snapshotHash: string | null; checkpointStep: number | null } | null;
  evals: { task: string; dataset: string; datasetType: string; metrics: { type: string; name: string; value: number }[] }[];
}

const q = (s: string) => JSON.stringify(s);

export function modelCard(c: ModelCardInput): string {
  const y: string[] = ["---"];
  if (c.baseModel) y.push(`base_model: ${q(c.baseModel)}`);
  y.push(`library_name: "transformers"`);
  y.push(`license: ${q(c.license ?? "other")}`);
  if (c.datasets.length) y.push("datasets:", ...c.datasets.map((d) => `- ${q(d)}`));
  const tags = [...new Set(["sprint", "reasoning", "parallel-reasoning", ...c.tags])];
  y.push("tags:", ...tags.map((t) => `- ${q(t)}`));
  if (c.evals.length) {
    y.push("model-index:", `- name: ${q(`${c.modelName}-v${c.version}`)}`, "  results:");
    for (const e of c.evals) {
      y.push("  - task:", `      type: ${q(e.task)}`, "    dataset:", `      name: ${q(e.dataset)}`, `      type: ${q(e.datasetType)}`, "    metrics:");
      for (const m of e.metrics) y.push(`    - type: ${q(m.type)}`, `      name: ${q(m.name)}`, `      value: ${Number.isFinite(m.value) ? m.value : 0}`);
    }
  }
  y.push("---", "");
  const body = [
    `# ${c.modelName} v${c.version}`,
    "",
    c.baseModel ? `Fine-tuned from [${c.baseModel}](https://huggingface.co/${c.baseModel}) to reason in SPRINT's interleaved plan/execution format (arXiv 2506.05745): each round plans independent prompts (\`<prompt_p.k>\`) that executors run in parallel (\`<execution_p.k>\`).` : "A model registered in SPRINT Studio.",
    "",
  ];
  if (c.training) {
    body.push("## Training", "", `- Provider: ${c.training.provider}`, `- Method: ${c.training.method === "full" ? "full fine-tune" : "LoRA"}`);
    for (const [k, v] of Object.entries(c.training.hyperparams)) body.push(`- ${k}: ${String(v)}`);
    if (c.training.snapshotHash) body.push(`- Training data: snapshot ${c.training.snapshotHash}`);
    if (c.training.checkpointStep !== null) body.push(`- Checkpoint: step ${c.training.checkpointStep}`);
    body.push("");
  }
  if (c.evals.length) {
    body.push("## Evaluation", "", "| dataset | metric | value |", "|---|---|---|");
    for (const e of c.evals) for (const m of e.metrics) body.push(`| ${e.dataset} | ${m.name} | ${m.value} |`);
    body.push("");
  }
  body.push("## Serving", "", "Serve with vLLM and run SPRINT inference from SPRINT Studio's playground (OpenAI-compatible completions endpoint):", "", "```", "vllm serve <this repo> --enable-prefix-caching --enable-prompt-tokens-details", "```", "");
  if (c.notes) body.push("## Notes", "", c.notes, "");
  return y.join("\n") + body.join("\n");
}
