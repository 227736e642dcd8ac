import { NextResponse } from "next/server";
import { z } from "zod";
import { auth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { EXPORT_FORMATS, type ExportFormat } from "@/server/sprint/export";
import { renderSnapshot } from "@/server/curation/snapshots";

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(Object.keys(EXPORT_FORMATS) as [ExportFormat, ...ExportFormat[]]).default("messages"),
  split: z.enum(["train", "test", "all", "manifest"]).default("all"),
});

/** Downloads a snapshot as SFT JSONL (any member of its workspace). */
export async function GET(req: Request, { params }: { params: Promise<{ snapshotId: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return NextResponse.json({ error: "Sign in to download." }, { status: 401 });
  const { snapshotId } = await params;
  const snap = await prisma.datasetSnapshot.findUnique({ where: { id: snapshotId }, include: { dataset: { select: { name: true, workspaceId: true } } } });
  const member = snap && (await prisma.membership.findUnique({ where: { workspaceId_userId: { workspaceId: snap.dataset.workspaceId, userId: session.user.id } } }));
  if (!snap) return NextResponse.json({ error: "No such snapshot." }, { status: 404 });
  if (!member) return NextResponse.json({ error: "You are not a member of this workspace." }, { status: 403 });
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
