/** Workspace prompt templates for the LLM curation backend: versioned, validated, frozen into runs. */
import type { PrismaClient } from "../db/client";
import { checkTemplate, DEFAULT_DAG_TEMPLATE, DEFAULT_EXTRACT_TEMPLATE, type PromptTemplate } from "./llm/templates";

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
