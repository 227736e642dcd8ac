import { TraceView } from "@/components/trace/trace-view";

export const metadata = { title: "Trace" };

export default async function TracePage({ params }: { params: Promise<{ datasetId: string; traceId: string }> }) {
  const { datasetId, traceId } = await params;
  return <TraceView datasetId={datasetId} traceId={traceId} />;
}
