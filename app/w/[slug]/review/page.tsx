import { PageHeader } from "@/components/page-header";
import { ReviewHome } from "@/components/review/review-home";

export const metadata = { title: "Review" };

export default function ReviewPage() {
  return (
    <>
      <PageHeader title="Review" description="Check curated trajectories as a team: assignments, comments, DAG edits and agreement." />
      <ReviewHome />
    </>
  );
}
