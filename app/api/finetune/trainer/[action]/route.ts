/**
 * The trainer's API (trainer/train.py), authenticated by the per-job token (`Authorization: Bearer sft_…`),
 * which stops working once the job is finished, failed, cancelled or its token revoked:
 *   GET  /api/finetune/trainer/job              → base model, method, hyperparameters, resume checkpoint
 *   GET  /api/finetune/trainer/data?split=train → the snapshot as prompt-completion JSONL (completion-only loss)
 *   POST /api/finetune/trainer/report           → { type: metrics | event | checkpoint | status | output, … }
 */
import { NextResponse } from "next/server";
import { prisma } from "@/server/db/client";
import { ServiceError } from "@/server/service-error";
import { jobForTrainerToken, trainerConfig, trainerData, trainerReport } from "@/server/finetune/service";

export const dynamic = "force-dynamic";

const unauthorized = () => NextResponse.json({ error: "Invalid, revoked or expired job token." }, { status: 401 });

export async function GET(req: Request, { params }: { params: Promise<{ action: string }> }) {
  const { action } = await params;
  const job = await jobForTrainerToken(prisma, req.headers.get("authorization"));
  if (!job) return unauthorized();
  if (action === "job") return NextResponse.json(trainerConfig(job));
  if (action === "data") {
    const split = new URL(req.url).searchParams.get("split") ?? "train";
    if (split !== "train" && split !== "test") return NextResponse.json({ error: "split must be train or test" }, { status: 400 });
    const body = await trainerData(prisma, job, split);
    if (body === null) return NextResponse.json({ error: "The job's snapshot was deleted." }, { status: 410 });
    return new NextResponse(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "x-snapshot-hash": job.snapshotHash ?? "" } });
  }
  return NextResponse.json({ error: "Not found." }, { status: 404 });
}

export async function POST(req: Request, { params }: { params: Promise<{ action: string }> }) {
  const { action } = await params;
  if (action !== "report") return NextResponse.json({ error: "Not found." }, { status: 404 });
  const job = await jobForTrainerToken(prisma, req.headers.get("authorization"));
  if (!job) return unauthorized();
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return NextResponse.json({ error: "The body must be JSON." }, { status: 400 });
  }
  try {
    return NextResponse.json(await trainerReport(prisma, job, body));
  } catch (e) {
    if (e instanceof ServiceError) return NextResponse.json({ error: e.message }, { status: 400 });
    throw e;
  }
}
