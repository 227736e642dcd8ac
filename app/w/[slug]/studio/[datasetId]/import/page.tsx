import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { ImportPanel } from "@/components/import-panel";
import { prisma } from "@/server/db/client";
import { workspaceAccess } from "@/server/auth/workspace-access";

export const metadata = { title: "Import traces" };

export default async function ImportPage({ params }: { params: Promise<{ slug: string; datasetId: string }> }) {
  const { slug, datasetId } = await params;
  // The workspace layout already refused anyone without access; this resolves the dataset within it.
  const access = await workspaceAccess(slug);
  if (access.kind !== "ok") notFound();
  const dataset = await prisma.dataset.findFirst({
    where: { id: datasetId, workspaceId: access.workspace.id },
    select: { id: true, name: true, _count: { select: { traces: true } } },
  });
  if (!dataset) notFound();
  return (
    <>
      <PageHeader
        title={`Import traces into ${dataset.name}`}
        description={
          <>
            <span data-testid="dataset-trace-count">{dataset._count.traces.toLocaleString("en")}</span> traces so far (refreshed after each import). Bring
            OpenThoughts, s1K, R1 {"<think>"} output, plain {"{question, reasoning, answer}"} rows, folders of .txt model outputs or already-curated
            SPRINT trajectories; bad lines are reported with their line number, duplicates are skipped.
          </>
        }
      />
      <ImportPanel datasetId={dataset.id} datasetName={dataset.name} />
    </>
  );
}
