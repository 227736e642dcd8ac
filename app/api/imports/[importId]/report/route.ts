import { prisma } from "@/server/db/client";
import { auth } from "@/server/auth";
import { jsonError, membershipAccess } from "@/server/curation/import/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const PAGE = 1000;

function safeFileName(name: string): string {
  const base = name.replace(/\.(jsonl|json|ndjson|txt)$/i, "").replace(/[^\w.-]+/g, "_").slice(0, 80) || "import";
  return `${base}-issues.jsonl`;
}

/**
 * Downloads an import's issues as JSONL — one `{"line", "kind", "reason", "excerpt"}` per line, ordered by
 * line — streamed from the database page by page. Viewers and up of the dataset's workspace.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const { importId } = await params;
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return jsonError(401, "Sign in to continue.");
  const imp = await prisma.datasetImport.findUnique({ where: { id: importId }, select: { id: true, fileName: true, dataset: { select: { workspaceId: true } } } });
  if (!imp) return jsonError(404, "No such import.");
  const access = await membershipAccess(userId, imp.dataset.workspaceId, "viewer");
  if (!access.ok) return access.response;

  const enc = new TextEncoder();
  let cursor: string | null = null;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      try {
        const rows: { id: string; line: number; kind: string; reason: string; excerpt: string | null }[] = await prisma.importIssue.findMany({
          where: { importId: imp.id },
          orderBy: [{ line: "asc" }, { id: "asc" }],
          take: PAGE,
          ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
          select: { id: true, line: true, kind: true, reason: true, excerpt: true },
        });
        if (rows.length > 0) {
          let text = "";
          for (const r of rows) text += `${JSON.stringify({ line: r.line, kind: r.kind, reason: r.reason, excerpt: r.excerpt })}\n`;
          controller.enqueue(enc.encode(text));
          cursor = rows[rows.length - 1]!.id;
        }
        if (rows.length < PAGE) {
          done = true;
          controller.close();
        }
      } catch (err) {
        done = true;
        controller.error(err);
      }
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${safeFileName(imp.fileName)}"`,
      "Cache-Control": "no-store",
    },
  });
}
