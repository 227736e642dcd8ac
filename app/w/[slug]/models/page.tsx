import { EmptyState, PageHeader } from "@/components/page-header";

export const metadata = { title: "Models" };

export default function ModelsPage() {
  return (
    <>
      <PageHeader title="Models" description="Fine-tune on a dataset snapshot (OpenAI, Together or your own trainer) and register model versions with lineage and stages." />
      <EmptyState title="No model versions yet">
        A fine-tune starts from a dataset snapshot: curate a dataset in Studio, freeze its approved trajectories into a snapshot,
        then launch a fine-tune from here. Each finished fine-tune registers a model version.
      </EmptyState>
    </>
  );
}
