import { Suspense } from "react";
import { ReviewItem } from "@/components/review/review-item";

export const metadata = { title: "Review item" };

export default async function ReviewItemPage({ params }: { params: Promise<{ datasetId: string; trajectoryId: string }> }) {
  const { datasetId, trajectoryId } = await params;
  return (
    <Suspense>
      <ReviewItem datasetId={datasetId} trajectoryId={trajectoryId} />
    </Suspense>
  );
}
