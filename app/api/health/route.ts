import { NextResponse } from "next/server";
import { getHealth } from "@/server/health";

export const dynamic = "force-dynamic";

/** Liveness + readiness: database mode and reachability, queue status. 503 when degraded. */
export async function GET() {
  const health = await getHealth();
  return NextResponse.json(health, { status: health.status === "ok" ? 200 : 503 });
}
