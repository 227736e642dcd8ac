import { prisma } from "@/server/db/client";
import { jsonError, routeAccess } from "@/server/auth/route-access";
import { beginUpload, endUpload, findDataset } from "@/server/curation/import/service";
import { parseUploadParams } from "@/server/curation/import/params";
import { iterateStream } from "@/server/curation/import/reader";
import { runImport } from "@/server/curation/import/run";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Uploads a JSONL / JSON-array file into a dataset: the raw file is the request body, streamed (never
 * buffered whole). Query: fileName, preset (auto | openthoughts | s1k | plain | sprint | custom), mapping
 * (JSON, for custom), size (bytes, for progress), format (auto | jsonl | json). Curators and admins only
 * (401 signed out; 404 for an unknown dataset and for another workspace's; 403 for a weaker role).
 * The DatasetImport row is created first (poll it with tRPC imports.get / imports.list); the response comes
 * when the import has ended: `{ importId, status, rowsRead, rowsOk, rowsBad, rowsDuplicate, bytesRead, … }`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ datasetId: string }> }) {
  const { datasetId } = await params;
  const access = await routeAccess({ minRole: "curator", find: () => findDataset(prisma, datasetId), notFound: "No such dataset." });
  if (!access.ok) return access.response;
  const { actor } = access;
  const parsed = parseUploadParams(new URL(request.url));
  if (!parsed.ok) return jsonError(400, parsed.error);
  if (!request.body) return jsonError(400, "The request has no body: send the file as the request body.");
  const p = parsed.params;

  const imp = await beginUpload(prisma, actor, datasetId, p);
  const summary = await runImport({
    db: prisma,
    importId: imp.id,
    datasetId,
    workspaceId: actor.workspaceId,
    userId: actor.userId,
    source: iterateStream(request.body),
    preset: p.preset,
    mapping: p.mapping,
    signal: request.signal,
    reader: { format: p.format },
  });
  await endUpload(prisma, actor, imp.id, summary);
  return Response.json(summary, { status: summary.status === "failed" ? 422 : 200, headers: { "Cache-Control": "no-store" } });
}
