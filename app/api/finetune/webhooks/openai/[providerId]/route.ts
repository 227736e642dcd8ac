/**
 * OpenAI fine-tuning webhooks (`fine_tuning.job.succeeded | failed | cancelled`) for one provider account.
 * Configure `https://<app>/api/finetune/webhooks/openai/<providerId>` in OpenAI's dashboard and store its signing
 * secret (`whsec_…`) on the provider. The signature is verified with the official client (`webhooks.unwrap`).
 */
import { NextResponse } from "next/server";
import { prisma } from "@/server/db/client";
import { handleOpenAiWebhook } from "@/server/finetune/service";

export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ providerId: string }> }) {
  const { providerId } = await params;
  const raw = await req.text();
  const r = await handleOpenAiWebhook(prisma, providerId, raw, req.headers);
  return NextResponse.json(r.body, { status: r.status });
}
