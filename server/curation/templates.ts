/** Workspace prompt templates for the LLM curation backend: versioned, validated, frozen into runs. */
import { z } from "zod";
import type { PrismaClient } from "../db/client";
import { recordAudit } from "../audit";
import { ServiceError, requireRole, type Actor } from "../service-error";
import { checkTemplate, DEFAULT_DAG_TEMPLATE, DEFAULT_EXTRACT_TEMPLATE, TemplateError, type PromptTemplate } from "./llm/templates";

export type TemplateKind = "extract" | "dag";
const DEFAULTS: Record<TemplateKind, PromptTemplate> = { extract: DEFAULT_EXTRACT_TEMPLATE, dag: DEFAULT_DAG_TEMPLATE };

export function templateId(kind: TemplateKind): string {
  return `workspace-${kind}`;
}

/** The template a new run uses: the workspace's latest version, else the built-in default. */
export async function currentTemplate(db: PrismaClient, workspaceId: string, kind: TemplateKind): Promise<PromptTemplate> {
  const row = await db.promptTemplate.findFirst({ where: { workspaceId, kind }, orderBy: { version: "desc" } });
  if (!row) return DEFAULTS[kind];
  return checkTemplate({ id: templateId(kind), version: row.version, kind, system: row.system, user: row.user }, kind);
}

export async function currentTemplates(db: PrismaClient, workspaceId: string) {
  const extract = await currentTemplate(db, workspaceId, "extract");
  const dag = await currentTemplate(db, workspaceId, "dag");
  return { extract: { ...extract, kind: "extract" as const }, dag: { ...dag, kind: "dag" as const } };
}

/** Saves a new version after validating it (placeholders, sizes); throws TemplateError with the reason. */
export async function saveTemplate(
  db: PrismaClient,
  args: { workspaceId: string; kind: TemplateKind; system: string; user: string; note?: string; userId: string },
) {
  const last = await db.promptTemplate.findFirst({ where: { workspaceId: args.workspaceId, kind: args.kind }, orderBy: { version: "desc" }, select: { version: true } });
  const version = (last?.version ?? DEFAULTS[args.kind].version) + 1;
  checkTemplate({ id: templateId(args.kind), version, kind: args.kind, system: args.system, user: args.user }, args.kind);
  return db.promptTemplate.create({
    data: { workspaceId: args.workspaceId, kind: args.kind, version, system: args.system, user: args.user, note: args.note ?? null, createdById: args.userId },
  });
}

export function defaultTemplate(kind: TemplateKind): PromptTemplate {
  return DEFAULTS[kind];
}

// ───────────────────────────── service interface (router) ─────────────────────────────

export const saveTemplateInput = z.object({ kind: z.enum(["extract", "dag"]), system: z.string().max(50_000), user: z.string().min(1).max(50_000), note: z.string().max(500).optional() });

/** The current template of each kind, the built-in default, and the saved versions. */
export async function listTemplates(db: PrismaClient, actor: Actor) {
  const rows = await db.promptTemplate.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: [{ kind: "asc" }, { version: "desc" }],
    select: { id: true, kind: true, version: true, system: true, user: true, note: true, createdAt: true },
  });
  const out = {} as Record<TemplateKind, { current: PromptTemplate; builtIn: PromptTemplate; versions: typeof rows }>;
  for (const k of ["extract", "dag"] as const) {
    out[k] = { current: await currentTemplate(db, actor.workspaceId, k), builtIn: defaultTemplate(k), versions: rows.filter((r) => r.kind === k) };
  }
  return out;
}

export async function saveTemplateFor(db: PrismaClient, actor: Actor, input: z.infer<typeof saveTemplateInput>) {
  requireRole(actor, "curator");
  try {
    const t = await saveTemplate(db, { workspaceId: actor.workspaceId, userId: actor.userId, kind: input.kind, system: input.system, user: input.user, note: input.note });
    await recordAudit(db, actor, "template.save", { type: "promptTemplate", id: t.id }, { kind: t.kind, version: t.version });
    return { id: t.id, version: t.version };
  } catch (err) {
    if (err instanceof TemplateError) throw new ServiceError("BAD_REQUEST", err.message);
    throw err;
  }
}
