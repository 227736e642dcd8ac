/**
 * Prompt templates of the LLM curation backend: the method's two LLM steps (docs/sprint-method.md §2),
 * step extraction and DAG construction, in our own wording. Templates are data — versioned, stored per
 * pipeline config and editable in the UI — so they are validated with {@link promptTemplateSchema}
 * and filled by {@link renderTemplate}, a single-pass `{{name}}` substitution (no eval, no expressions,
 * no recursion: a value that itself contains `{{…}}` is inserted verbatim).
 *
 * Any change to a default's wording must bump its `version` (curation runs record which one they used).
 */
import { z } from "zod";

export type TemplateKind = "extract" | "dag";

/** Placeholders each kind may use; the first group must appear in the user message. */
export const TEMPLATE_PLACEHOLDERS: Readonly<Record<TemplateKind, { required: readonly string[]; optional: readonly string[] }>> = {
  extract: { required: ["numbered_lines"], optional: ["question", "line_count"] },
  dag: { required: ["components"], optional: ["question", "step_count", "line_count"] },
};

/** `{{ name }}` — a placeholder; names are identifiers. Anything else in braces is literal text. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Thrown by {@link renderTemplate} for a placeholder without a value (a config error, not a model error). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Placeholder names used in `text`, in order of first use. */
export function templatePlaceholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Fills `{{name}}` placeholders from `vars` in one pass. Throws {@link TemplateError} naming every
 * placeholder that has no value (so a typo in an edited template fails loudly). Unused vars are fine.
 */
export function renderTemplate(template: string, vars: Readonly<Record<string, string | number>>): string {
  const missing = templatePlaceholders(template).filter((n) => !Object.prototype.hasOwnProperty.call(vars, n));
  if (missing.length > 0) {
    throw new TemplateError(`template placeholder${missing.length > 1 ? "s" : ""} without a value: ${missing.map((n) => `{{${n}}}`).join(", ")}`);
  }
  return template.replace(PLACEHOLDER, (_m, name: string) => String(vars[name]));
}

/** A stored prompt template: one system and one user message. */
export const promptTemplateSchema = z
  .strictObject({
    id: z.string().trim().min(1).max(100),
    version: z.int().min(1),
    kind: z.enum(["extract", "dag"]),
    system: z.string().max(50_000),
    user: z.string().min(1).max(50_000),
  })
  .superRefine((t, ctx) => {
    const allowed = TEMPLATE_PLACEHOLDERS[t.kind];
    const known = new Set([...allowed.required, ...allowed.optional]);
    for (const field of ["system", "user"] as const) {
      for (const name of templatePlaceholders(t[field])) {
        if (!known.has(name)) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `unknown placeholder {{${name}}} in a ${t.kind} template (allowed: ${[...known].map((n) => `{{${n}}}`).join(", ")})`,
          });
        }
      }
    }
    const used = new Set(templatePlaceholders(t.user));
    for (const name of allowed.required) {
      if (!used.has(name)) {
        ctx.addIssue({ code: "custom", path: ["user"], message: `a ${t.kind} template's user message must contain {{${name}}}` });
      }
    }
  });

export type PromptTemplate = z.infer<typeof promptTemplateSchema>;

export interface PromptTemplates {
  extract: PromptTemplate;
  dag: PromptTemplate;
}

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

export const DEFAULT_EXTRACT_TEMPLATE: PromptTemplate = {
  id: "sprint-extract",
  version: 1,
  kind: "extract",
  system: `You analyse step-by-step reasoning written by a language model. You split it into components so that independent pieces of work can later be handed to parallel executors. You answer with JSON only.`,
  user: `Question:
{{question}}

Below is a model's reasoning about this question, split into {{line_count}} numbered lines (L1 to L{{line_count}}):

{{numbered_lines}}

Group the lines into components. A component is one coherent piece of work in the reasoning, with these fields:
- "description": a short summary of what the component does.
- "plan_lines": [start, end], the lines where the reasoner decides what to do next (motivation, strategy, what to compute), or null if there are none.
- "prompt": a self-contained instruction that lets a separate executor do this component's work without seeing the rest of the reasoning (state the numbers and facts it needs), or null if the component has no execution lines.
- "execution_lines": [start, end], the lines that carry out the work (calculations, derivations, case checks), or null if the component only plans.
- "comment_lines": [start, end], lines right after the execution that reflect on its result (for example "So x = 3."), or null.

Rules:
1. Every line from L1 to L{{line_count}} belongs to exactly one range of exactly one component: no line left out, no line in two ranges.
2. Ranges are inclusive line numbers [start, end] with start <= end. Inside a component, plan lines come before execution lines, and execution lines before comment lines.
3. List the components in the order of their first line.
4. Checking or verifying an earlier result is a new component of its own.
5. Prefer components that are independent of each other wherever the reasoning allows it; do not split one calculation across components.

Answer with only a JSON array of components and no other text, for example:
[
  {"description": "Decide how to approach the problem", "plan_lines": [1, 2], "prompt": null, "execution_lines": null, "comment_lines": null},
  {"description": "Compute the first quantity", "plan_lines": [3, 3], "prompt": "Compute ... given ...", "execution_lines": [4, 6], "comment_lines": [7, 7]}
]
If you can only answer with a JSON object, put the array under the key "components". Inside JSON strings, escape every backslash (write \\\\frac, not \\frac).`,
};

export const DEFAULT_DAG_TEMPLATE: PromptTemplate = {
  id: "sprint-dag",
  version: 1,
  kind: "dag",
  system: `You analyse step-by-step reasoning written by a language model that has been split into numbered components. You determine which components use the results of which earlier components. You answer with JSON only.`,
  user: `Question:
{{question}}

The reasoning has been split into {{step_count}} components, numbered in the order they appear:

{{components}}

For every component, list the components whose results it uses directly: its immediate parents only. Leave out a component that is only reached through another parent (if 3 uses the result of 2, and 2 uses the result of 1, but 3 uses nothing from 1 directly, then the parents of 3 are [2]). A component can only depend on components with a smaller number. A component that uses no earlier result has no parents.

Answer with only a JSON object that maps every component number from 1 to {{step_count}} to the list of its parents, and no other text, for example:
{"1": [], "2": [1], "3": [1], "4": [2, 3]}`,
};

export const DEFAULT_TEMPLATES: Readonly<PromptTemplates> = { extract: DEFAULT_EXTRACT_TEMPLATE, dag: DEFAULT_DAG_TEMPLATE };

/**
 * Appended to the user message of the one retry after an unusable answer (`{{error}}` is the reason
 * the first answer was rejected). Part of the backend's behaviour, versioned with it.
 */
export const RETRY_NOTE = `Your previous answer to this request could not be used: {{error}}
Answer again, following every rule above exactly, with only the JSON.`;

/** Validates a (possibly user-edited) template of the given kind; throws a readable error. */
export function checkTemplate(template: unknown, kind: TemplateKind): PromptTemplate {
  const parsed = promptTemplateSchema.safeParse(template);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "template"}: ${i.message}`).join("; ");
    throw new TemplateError(`invalid ${kind} template: ${why}`);
  }
  if (parsed.data.kind !== kind) {
    throw new TemplateError(`template ${parsed.data.id} v${parsed.data.version} is a ${parsed.data.kind} template, expected ${kind}`);
  }
  return parsed.data;
}
