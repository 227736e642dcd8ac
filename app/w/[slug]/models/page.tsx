import { PageHeader } from "@/components/page-header";
import { FineTunesPanel } from "@/components/models/finetunes";
import { RegistryPanel } from "@/components/models/registry";

export const metadata = { title: "Models" };

export default function ModelsPage() {
  return (
    <>
      <PageHeader
        title="Models"
        description="Fine-tune on a dataset snapshot (Together, OpenAI, Hugging Face Jobs or your own Ray cluster) and register immutable model versions with aliases, lineage and promotion gates."
      />
      <div className="space-y-6">
        <RegistryPanel />
        <FineTunesPanel />
      </div>
    </>
  );
}
