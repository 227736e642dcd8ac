import { ModelView } from "@/components/models/registry";

export const metadata = { title: "Registered model" };

export default async function RegisteredModelPage({ params }: { params: Promise<{ modelId: string }> }) {
  const { modelId } = await params;
  return <ModelView modelId={modelId} />;
}
