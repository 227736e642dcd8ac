import { prisma } from "@/server/db/client";
import { audit } from "@/server/api/trpc";
import { datasetAccess, jsonError } from "@/server/curation/import/http";
import { parseUploadParams } from "@/server/curation/import/params";
import { presetMapping } from "@/server/curation/import/presets";
import { iterateStream } from "@/server/curation/import/reader";
import { runImport } from "@/server/curation/import/run";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const INT_MAX = 2_147_483_647;

/**
 * Uploads a JSONL / JSON-array file into a dataset: the raw file is the request body, streamed (never
 * buffered whole). Query: fileName, preset (auto | openthoughts | s1k | plain | sprint | custom), mapping
 * (JSON, for custom), size (bytes, for progress), format (auto | jsonl | json). Curators and admins only.
 * The DatasetImport row is created first (poll it with tRPC imports.get / imports.list); the response comes
 * when the import has ended: `{ importId, status, rowsRead, rowsOk, rowsBad, rowsDuplicate, bytesRead, … }`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ datasetId: string }> }) {
  const { datasetId } = await params;
  const access = await datasetAccess(datasetId, "curator");
  if (!access.ok) return access.response;
  const parsed = parseUploadParams(new URL(request.url));
  if (!parsed.ok) return jsonError(400, parsed.error);
  if (!request.body) return jsonError(400, "The request has no body: send the file as the request body.");
  const p = parsed.params;

  const imp = await prisma.datasetImport.create({
    data: {
      datasetId,
      createdById: access.userId,
      fileName: p.fileName,
      preset: p.preset,
      mapping: p.preset === "auto" ? {} : presetMapping(p.preset, p.mapping),
      status: "running",
      bytesTotal: p.size === null ? null : Math.min(INT_MAX, p.size),
    },
    select: { id: true },
  });
  const ctx = { db: prisma, user: { id: access.userId } };
  await audit(ctx, access.workspaceId, "import.start", { type: "datasetImport", id: imp.id }, { datasetId, fileName: p.fileName, preset: p.preset, size: p.size });

  const summary = await runImport({
    db: prisma,
    importId: imp.id,
    datasetId,
    workspaceId: access.workspaceId,
    userId: access.userId,
    source: iterateStream(request.body),
    preset: p.preset,
    mapping: p.mapping,
    signal: request.signal,
    reader: { format: p.format },
  });
  await audit(ctx, access.workspaceId, "import.finish", { type: "datasetImport", id: imp.id }, {
    status: summary.status,
    rowsOk: summary.rowsOk,
    rowsBad: summary.rowsBad,
    rowsDuplicate: summary.rowsDuplicate,
  }).catch(() => undefined);
  return Response.json(summary, { status: summary.status === "failed" ? 422 : 200, headers: { "Cache-Control": "no-store" } });
}
