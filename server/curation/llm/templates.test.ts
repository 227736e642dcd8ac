import { describe, expect, it } from "vitest";
import {
  DEFAULT_DAG_TEMPLATE,
  DEFAULT_EXTRACT_TEMPLATE,
  DEFAULT_TEMPLATES,
  RETRY_NOTE,
  TemplateError,
  checkTemplate,
  promptTemplateSchema,
  renderTemplate,
  templatePlaceholders,
} from "./templates";

describe("renderTemplate", () => {
  it("fills placeholders, with or without inner spaces, numbers included", () => {
    expect(renderTemplate("Q: {{question}} ({{ line_count }} lines)", { question: "2+2?", line_count: 3 })).toBe("Q: 2+2? (3 lines)");
  });

  it("is single-pass: a value containing a placeholder is inserted verbatim", () => {
    expect(renderTemplate("{{a}} {{b}}", { a: "{{b}}", b: "x" })).toBe("{{b}} x");
  });

  it("does not interpret $-patterns or code in values", () => {
    expect(renderTemplate("[{{v}}]", { v: "$& $1 $$ ${process.exit()} `x`" })).toBe("[$& $1 $$ ${process.exit()} `x`]");
  });

  it("leaves non-placeholder braces alone (JSON examples)", () => {
    const tpl = '{"1": [], "2": [1]} {{ not a name }} {{1x}} {x}';
    expect(renderTemplate(tpl, {})).toBe(tpl);
  });

  it("throws naming every placeholder without a value", () => {
    expect(() => renderTemplate("{{a}} {{b}} {{a}}", { b: "" })).toThrow(TemplateError);
    expect(() => renderTemplate("{{a}} {{c}}", {})).toThrow("template placeholders without a value: {{a}}, {{c}}");
  });

  it("ignores unused vars and inherited properties", () => {
    expect(renderTemplate("x", { unused: 1 })).toBe("x");
    expect(() => renderTemplate("{{toString}}", {})).toThrow(TemplateError);
  });

  it("lists placeholders in order of first use", () => {
    expect(templatePlaceholders("{{b}} {{ a }} {{b}}")).toEqual(["b", "a"]);
  });
});

describe("default templates", () => {
  it("are valid stored templates of their kind", () => {
    expect(promptTemplateSchema.parse(DEFAULT_EXTRACT_TEMPLATE)).toEqual(DEFAULT_EXTRACT_TEMPLATE);
    expect(promptTemplateSchema.parse(DEFAULT_DAG_TEMPLATE)).toEqual(DEFAULT_DAG_TEMPLATE);
    expect(DEFAULT_TEMPLATES.extract.kind).toBe("extract");
    expect(DEFAULT_TEMPLATES.dag.kind).toBe("dag");
  });

  it("extraction renders every rule of the method's step 1", () => {
    const text = renderTemplate(DEFAULT_EXTRACT_TEMPLATE.user, { question: "Q?", numbered_lines: "L1: a\nL2: b", line_count: 2 });
    expect(text).toContain("L1: a\nL2: b");
    expect(text).toContain("L1 to L2");
    for (const field of ['"description"', '"plan_lines"', '"prompt"', '"execution_lines"', '"comment_lines"']) expect(text).toContain(field);
    expect(text).toMatch(/no line left out, no line in two ranges/);
    expect(text).toMatch(/verifying an earlier result is a new component/);
    expect(text).toContain("write \\\\frac, not \\frac");
    expect(text).not.toMatch(/\{\{/);
  });

  it("DAG renders the immediate-parents and smaller-index rules and the paper's shape", () => {
    const text = renderTemplate(DEFAULT_DAG_TEMPLATE.user, { question: "Q?", components: "Component 1: x", step_count: 4 });
    expect(text).toContain("immediate parents only");
    expect(text).toContain("only depend on components with a smaller number");
    expect(text).toContain('{"1": [], "2": [1], "3": [1], "4": [2, 3]}');
    expect(text).toContain("from 1 to 4");
  });

  it("the retry note carries the error", () => {
    expect(renderTemplate(RETRY_NOTE, { error: "line 3 belongs to no step" })).toMatch(/^Your previous answer .* could not be used: line 3 belongs to no step\n/);
  });
});

describe("promptTemplateSchema / checkTemplate", () => {
  const base = { id: "mine", version: 2, kind: "extract" as const, system: "", user: "Lines:\n{{numbered_lines}}" };

  it("accepts an edited template with an empty system message", () => {
    expect(checkTemplate(base, "extract")).toEqual(base);
  });

  it("rejects unknown placeholders, naming the allowed ones", () => {
    expect(() => checkTemplate({ ...base, system: "{{questoin}}" }, "extract")).toThrow(
      /system: unknown placeholder \{\{questoin\}\} in a extract template \(allowed: \{\{numbered_lines\}\}, \{\{question\}\}, \{\{line_count\}\}\)/,
    );
  });

  it("requires the kind's essential placeholder in the user message", () => {
    expect(() => checkTemplate({ ...base, user: "no lines here" }, "extract")).toThrow(/user: a extract template's user message must contain \{\{numbered_lines\}\}/);
    expect(() => checkTemplate({ ...base, kind: "dag" }, "dag")).toThrow(/must contain \{\{components\}\}/);
  });

  it("rejects a template of the other kind, extra fields and bad versions", () => {
    expect(() => checkTemplate(DEFAULT_DAG_TEMPLATE, "extract")).toThrow(/is a dag template, expected extract/);
    expect(() => checkTemplate({ ...base, extra: 1 }, "extract")).toThrow(TemplateError);
    expect(() => checkTemplate({ ...base, version: 0 }, "extract")).toThrow(/version/);
    expect(() => checkTemplate({ ...base, version: 1.5 }, "extract")).toThrow(/version/);
    expect(() => checkTemplate({ ...base, id: " " }, "extract")).toThrow(/id/);
  });
});
