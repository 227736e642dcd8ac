import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { EvalCompare } from "@/components/eval/compare";

export const metadata = { title: "Compare evaluations" };

export default async function EvalComparePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ a?: string; b?: string }> }) {
  const { slug } = await params;
  const { a, b } = await searchParams;
  return (
    <>
      <PageHeader
        title="Paired comparison"
        description="Two runs on the same benchmark, problem by problem."
        actions={
          <Link href={`/w/${slug}/evaluations`} className="btn-secondary">
            All evaluations
          </Link>
        }
      />
      {a && b ? <EvalCompare a={a} b={b} /> : <p className="text-sm text-zinc-600">Pick two runs on the evaluations page.</p>}
    </>
  );
}
