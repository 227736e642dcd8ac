import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/page-header";

export const metadata = { title: "Review" };

export default async function ReviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <>
      <PageHeader title="Review" description="Check curated trajectories as a team: assignments, comments, DAG edits and agreement." />
      <EmptyState
        title="Nothing to review yet"
        action={<Link className="btn-secondary" href={`/w/${slug}/studio`}>Go to Studio</Link>}
      >
        Review items are curated trajectories. Import traces into a dataset in Studio and run the curation pipeline; a curator
        then assigns the results to reviewers here.
      </EmptyState>
    </>
  );
}
