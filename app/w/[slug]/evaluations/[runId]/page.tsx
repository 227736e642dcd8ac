import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { EvalReport } from "@/components/eval/report";

export const metadata = { title: "Evaluation report" };

export default async function EvalReportPage({ params }: { params: Promise<{ slug: string; runId: string }> }) {
  const { slug, runId } = await params;
  return (
    <>
      <PageHeader
        title="Evaluation report"
        actions={
          <Link href={`/w/${slug}/evaluations`} className="btn-secondary">
            All evaluations
          </Link>
        }
      />
      <EvalReport key={runId} runId={runId} />
    </>
  );
}
