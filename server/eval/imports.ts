/**
 * Evaluating recorded generations: outputs produced elsewhere (a cluster, a published table) are imported
 * and graded with no engine. Accepted: several `.txt`/`.md` files named by problem id, JSONL files of
 * `{id, output}` rows, or a zip of either. Each output is a SPRINT trajectory or a plain sequential trace
 * (detected per output). The result is an `EvalRun` with `source = import`, complete at once.
 */
import type { PrismaClient } from "../db/client";
import type { Actor } from "../service-error";
import { recordAudit } from "../audit";
import { gradeOutput, idFromFileName, parseOutputsJsonl, type ParseIssue } from "../sprint/benchmark";
import { applyDecision, decisionKey, decisionsFor, tokenizerFor, type TokenizerName } from "./grade";
import { coreItem } from "./benchmarks";
import { EvalError, requireRole } from "./errors";
import { readZip, ZipError } from "./zip";

export interface ImportFile {
  name: string;
  /** Text content (.txt, .md, .jsonl) */
  content?: string | undefined;
  /** Base64 content (.zip) */
  base64?: string | undefined;
}

export interface ImportOutputsInput {
  benchmarkId: string;
  name?: string | undefined;
  files: ImportFile[];
  tokenizer?: TokenizerName | undefined;
}

/**
 * Maps a file path to a benchmark id: the whole path minus its extension, else ever shorter suffixes
 * (`out/test/a/1.json.txt` → `test/a/1.json`), else the one id that ends with the file's name (a browser
 * sends `1.json.txt` without its folders; ambiguous names are not guessed).
 */
function idMatcher(ids: ReadonlySet<string>): (pathName: string) => string {
  const bySuffix = new Map<string, string | null>();
  for (const id of ids) {
    const parts = id.split("/");
    for (let i = 1; i < parts.length; i++) {
      const suffix = parts.slice(i).join("/");
      bySuffix.set(suffix, bySuffix.has(suffix) ? null : id);
    }
  }
  return (pathName) => {
    const parts = idFromFileName(pathName.replace(/\\/g, "/")).split("/");
    for (let i = 0; i < parts.length; i++) {
      const cand = parts.slice(i).join("/");
      if (ids.has(cand)) return cand;
    }
    for (let i = 0; i < parts.length; i++) {
      const hit = bySuffix.get(parts.slice(i).join("/"));
      if (hit) return hit;
    }
    return parts.join("/");
  };
}

/** Reads the uploaded files into outputs by id. */
export function collectOutputs(files: readonly ImportFile[], ids: ReadonlySet<string>): { outputs: Map<string, string>; issues: ParseIssue[]; unknown: string[] } {
  const outputs = new Map<string, string>();
  const issues: ParseIssue[] = [];
  const unknown: string[] = [];
  const matchId = idMatcher(ids);
  const add = (id: string, text: string, where: string) => {
    if (!ids.has(id)) unknown.push(id);
    else if (outputs.has(id)) issues.push({ line: 0, message: `${where}: a second output for "${id}" (first one kept)` });
    else outputs.set(id, text);
  };
  const visit = (name: string, text: string) => {
    if (/\.jsonl$/i.test(name)) {
      const r = parseOutputsJsonl(text);
      for (const i of r.issues) issues.push({ line: i.line, message: `${name}: ${i.message}` });
      for (const [id, out] of r.outputs) add(ids.has(id) ? id : matchId(id), out, name);
    } else if (/\.(txt|md)$/i.test(name)) add(matchId(name), text, name);
    else issues.push({ line: 0, message: `${name}: skipped (expected .txt, .md, .jsonl or .zip)` });
  };
  for (const f of files) {
    if (/\.zip$/i.test(f.name)) {
      if (!f.base64) throw new EvalError("BAD_REQUEST", `${f.name}: send a zip as base64.`);
      let entries;
      try {
        entries = readZip(Buffer.from(f.base64, "base64"));
      } catch (e) {
        throw new EvalError("BAD_REQUEST", `${f.name}: ${e instanceof ZipError ? e.message : "could not be read as a zip"}`);
      }
      for (const e of entries) {
        if (e.name.split("/").some((p) => p.startsWith(".") || p === "__MACOSX")) continue;
        visit(e.name, e.data.toString("utf8"));
      }
    } else visit(f.name, f.content ?? (f.base64 ? Buffer.from(f.base64, "base64").toString("utf8") : ""));
  }
  return { outputs, issues, unknown };
}

/** Imports and grades recorded outputs as a finished eval run. */
export async function importOutputs(db: PrismaClient, actor: Actor, input: ImportOutputsInput) {
  requireRole(actor, "curator", "import outputs");
  const bench = await db.benchmark.findFirst({ where: { id: input.benchmarkId, workspaceId: actor.workspaceId } });
  if (!bench) throw new EvalError("NOT_FOUND", "No such benchmark in this workspace.");
  if (input.files.length === 0) throw new EvalError("BAD_REQUEST", "Choose the output files to import.");
  const rows = await db.benchmarkItem.findMany({ where: { benchmarkId: bench.id }, orderBy: { idx: "asc" } });
  const ids = new Set(rows.map((r) => r.problemId));
  const { outputs, issues, unknown } = collectOutputs(input.files, ids);
  if (outputs.size === 0) {
    throw new EvalError("BAD_REQUEST", `None of the outputs matches a problem id of ${bench.name} v${bench.version}${unknown.length ? ` (e.g. "${unknown.slice(0, 3).join('", "')}")` : ""}. Name .txt files by id, or use JSONL rows {id, output}.`, { issues: issues.slice(0, 100) });
  }
  const tokenizerName = input.tokenizer ?? "qwen";
  const tokenizer = await tokenizerFor(tokenizerName);
  const graded = rows.map((r) => {
    const item = coreItem(r);
    const out = outputs.get(r.problemId);
    return { row: r, item, out, g: out === undefined ? null : gradeOutput(item, out, tokenizer) };
  });
  const keys = graded.flatMap((x) => (x.g && x.g.verdict === "undecided" && x.g.extracted !== null ? [decisionKey(x.item.kind, x.item.answer, x.g.extracted)] : []));
  const decisions = await decisionsFor(db, actor.workspaceId, keys);
  const formats = new Set(graded.flatMap((x) => (x.g ? [x.g.format] : [])));
  const name = input.name?.trim() || `Imported ${input.files.map((f) => f.name).slice(0, 2).join(", ")}${input.files.length > 2 ? ` +${input.files.length - 2}` : ""}`;
  const now = new Date();
  const run = await db.$transaction(async (tx) => {
    const run = await tx.evalRun.create({
      data: {
        workspaceId: actor.workspaceId,
        benchmarkId: bench.id,
        name,
        source: "import",
        mode: formats.size === 1 ? `imported-${[...formats][0]!}` : "imported",
        model: input.files.map((f) => f.name).slice(0, 5).join(", "),
        params: { tokenizer: tokenizerName, files: input.files.map((f) => f.name).slice(0, 100), unknownIds: unknown.length },
        samples: 1,
        status: "succeeded",
        total: rows.length,
        done: outputs.size,
        failed: rows.length - outputs.size,
        createdById: actor.userId,
        startedAt: now,
        finishedAt: now,
      },
    });
    for (let i = 0; i < graded.length; i += 500) {
      await tx.evalResult.createMany({
        data: graded.slice(i, i + 500).map(({ row, item, out, g }) => {
          if (!g || out === undefined) return { runId: run.id, itemId: row.id, sample: 0, status: "failed", error: "No output for this problem.", finishedAt: now };
          const s = applyDecision(item, g, decisions);
          return {
            runId: run.id,
            itemId: row.id,
            sample: 0,
            status: "done",
            verdict: s.verdict,
            autoVerdict: s.autoVerdict,
            decidedBy: s.decidedBy,
            extracted: s.extracted,
            reason: s.reason,
            output: out,
            format: s.format,
            sequentialTokens: s.sequentialTokens,
            totalTokens: s.totalTokens,
            rounds: s.rounds,
            attempts: 1,
            finishedAt: now,
          };
        }),
      });
    }
    return run;
  }, { timeout: 120_000 });
  await recordAudit(db, actor, "eval.import", { type: "eval-run", id: run.id }, { benchmarkId: bench.id, outputs: outputs.size, missing: rows.length - outputs.size, unknown: unknown.length });
  return { runId: run.id, graded: outputs.size, missing: rows.length - outputs.size, unknownIds: unknown.slice(0, 50), unknownCount: unknown.length, issues: issues.slice(0, 200) };
}
