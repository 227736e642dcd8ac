import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { ImportPanel } from "@/components/import-panel";
import { prisma } from "@/server/db/client";
import { actorOfAccess, workspaceAccess } from "@/server/auth/workspace-access";
import { getDataset } from "@/server/curation/datasets";
import { ServiceError } from "@/server/service-error";

export const metadata = { title: "Import traces" };

export default async function ImportPage({ params }: { params: Promise<{ slug: string; datasetId: string }> }) {
  const { slug, datasetId } = await params;
  // The workspace layout already refused anyone without access; this resolves the dataset within it.
  const access = await workspaceAccess(slug);
  if (access.kind !== "ok") notFound();
  const dataset = await getDataset(prisma, actorOfAccess(access), { datasetId }).catch((e: unknown) => {
    if (e instanceof ServiceError && e.code === "NOT_FOUND") return null;
    throw e;
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
