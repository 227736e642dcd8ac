import { PageHeader } from "@/components/page-header";
import { DatasetsPanel } from "@/components/datasets-panel";

export const metadata = { title: "Studio" };

export default function StudioPage() {
  return (
    <>
      <PageHeader
        title="Dataset studio"
        description="Import long chain-of-thought traces, curate them into SPRINT rounds (plan → parallel executions) and export fine-tuning data."
      />
      <DatasetsPanel />
    </>
  );
}
