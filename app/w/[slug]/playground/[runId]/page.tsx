import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { RunView } from "@/components/playground/run-view";

export const metadata = { title: "Playground run" };

export default async function PlaygroundRunPage({ params }: { params: Promise<{ slug: string; runId: string }> }) {
  const { slug, runId } = await params;
  return (
    <>
      <PageHeader
        title="Playground run"
        actions={
          <Link href={`/w/${slug}/playground`} className="btn-secondary">
            New run
          </Link>
        }
      />
      <RunView key={runId} runId={runId} />
    </>
  );
}
