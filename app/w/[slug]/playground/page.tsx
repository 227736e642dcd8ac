import { EmptyState, PageHeader } from "@/components/page-header";

export const metadata = { title: "Playground" };

export default function PlaygroundPage() {
  return (
    <>
      <PageHeader title="Playground" description="Run SPRINT inference — a planner and parallel executors — and watch every lane live." />
      <EmptyState title="Connect an inference endpoint first">
        <p>
          The playground talks to any OpenAI-compatible completions server. Start one with your fine-tuned model, e.g.{" "}
          <code className="rounded bg-zinc-100 px-1">vllm serve ./sprint-7b --port 8000</code>, SGLang, llama.cpp&apos;s{" "}
          <code className="rounded bg-zinc-100 px-1">llama-server</code> or Ollama, then an admin adds it as an endpoint in
          Settings. No model is bundled with SPRINT Studio.
        </p>
      </EmptyState>
    </>
  );
}
