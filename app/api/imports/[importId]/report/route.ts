import { prisma } from "@/server/db/client";
import { routeAccess } from "@/server/auth/route-access";
import { findImport, issuePages } from "@/server/curation/import/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function safeFileName(name: string): string {
  const base = name.replace(/\.(jsonl|json|ndjson|txt)$/i, "").replace(/[^\w.-]+/g, "_").slice(0, 80) || "import";
  return `${base}-issues.jsonl`;
}

/**
 * Downloads an import's issues as JSONL — one `{"line", "kind", "reason", "excerpt"}` per line, ordered by
 * line — streamed from the database page by page. Viewers and up of the dataset's workspace (401 signed
 * out; 404 for an unknown import and for another workspace's).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const { importId } = await params;
  const access = await routeAccess({ minRole: "viewer", find: () => findImport(prisma, importId), notFound: "No such import." });
  if (!access.ok) return access.response;
  const imp = access.resource;

  const enc = new TextEncoder();
  const pages = issuePages(prisma, imp.id);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pages.next();
        if (next.done) return controller.close();
        let text = "";
        for (const r of next.value) text += `${JSON.stringify({ line: r.line, kind: r.kind, reason: r.reason, excerpt: r.excerpt })}\n`;
        controller.enqueue(enc.encode(text));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await pages.return(undefined);
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
