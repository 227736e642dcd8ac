import { DatasetView } from "@/components/dataset/dataset-view";

export const metadata = { title: "Dataset" };

export default async function DatasetPage({ params }: { params: Promise<{ datasetId: string }> }) {
  const { datasetId } = await params;
  return <DatasetView datasetId={datasetId} />;
}
