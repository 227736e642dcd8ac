import { PageHeader } from "@/components/page-header";
import { Evaluations } from "@/components/eval/evaluations";

export const metadata = { title: "Evaluations" };

export default async function EvaluationsPage({ searchParams }: { searchParams: Promise<{ modelVersion?: string | string[] }> }) {
  const { modelVersion } = await searchParams;
  return (
    <>
      <PageHeader
        title="Evaluations"
        description="The paper's table for your own models: accuracy with its confidence interval, sequential and total tokens, speed-up over the sequential mode and the length-bucket view — from runs against an endpoint or from recorded outputs."
      />
      <Evaluations {...(typeof modelVersion === "string" && modelVersion ? { modelVersionId: modelVersion } : {})} />
    </>
  );
}
