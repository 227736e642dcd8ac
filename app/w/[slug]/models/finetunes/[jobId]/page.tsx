import { FineTuneJobView } from "@/components/models/finetune-job";

export const metadata = { title: "Fine-tune" };

export default async function FineTunePage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  return <FineTuneJobView jobId={jobId} />;
}
