import { Suspense } from "react";
import { ReviewDataset } from "@/components/review/review-dataset";

export const metadata = { title: "Review" };

export default async function ReviewDatasetPage({ params }: { params: Promise<{ datasetId: string }> }) {
  const { datasetId } = await params;
  return (
    <Suspense>
      <ReviewDataset datasetId={datasetId} />
    </Suspense>
  );
}
