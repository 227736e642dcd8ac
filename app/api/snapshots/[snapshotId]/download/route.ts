import { NextResponse } from "next/server";
import { z } from "zod";
import { prisma } from "@/server/db/client";
import { routeAccess } from "@/server/auth/route-access";
import { EXPORT_FORMATS, type ExportFormat } from "@/server/sprint/export";
import { findSnapshot, renderSnapshot } from "@/server/curation/snapshots";

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(Object.keys(EXPORT_FORMATS) as [ExportFormat, ...ExportFormat[]]).default("messages"),
  split: z.enum(["train", "test", "all", "manifest"]).default("all"),
});

/** Downloads a snapshot as SFT JSONL (any member of its workspace; 404 for an unknown snapshot and for another workspace's). */
export async function GET(req: Request, { params }: { params: Promise<{ snapshotId: string }> }) {
  const { snapshotId } = await params;
  const access = await routeAccess({ minRole: "viewer", find: () => findSnapshot(prisma, snapshotId), notFound: "No such snapshot.", signedOut: "Sign in to download." });
  if (!access.ok) return access.response;
  const snap = access.resource;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return NextResponse.json({ error: `Bad query: ${parsed.error.issues.map((i) => i.message).join("; ")}` }, { status: 400 });
  const base = `${snap.dataset.name.replace(/[^\w.-]+/g, "_")}-v${snap.number}`;
  if (parsed.data.split === "manifest") {
    return new NextResponse(JSON.stringify(snap.manifest, null, 2), {
      headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${base}-manifest.json"` },
    });
  }
  const out = await renderSnapshot(prisma, snap.id, parsed.data.format, parsed.data.split);
  return new NextResponse(out.content, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${base}-${parsed.data.format}-${parsed.data.split}.jsonl"`,
      "x-row-count": String(out.rows),
    },
  });
}
