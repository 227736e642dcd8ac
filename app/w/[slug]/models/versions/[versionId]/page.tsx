import { VersionView } from "@/components/models/registry";

export const metadata = { title: "Model version" };

export default async function ModelVersionPage({ params }: { params: Promise<{ versionId: string }> }) {
  const { versionId } = await params;
  return <VersionView versionId={versionId} />;
}
