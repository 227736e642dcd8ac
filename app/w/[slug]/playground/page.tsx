import { Suspense } from "react";
import { PageHeader } from "@/components/page-header";
import { Playground } from "@/components/playground/playground";

export const metadata = { title: "Playground" };

export default function PlaygroundPage() {
  return (
    <>
      <PageHeader title="Playground" description="Run SPRINT inference — a planner and parallel executors — and watch every lane live, side by side with the sequential baseline." />
      <Suspense>
        <Playground />
      </Suspense>
    </>
  );
}
