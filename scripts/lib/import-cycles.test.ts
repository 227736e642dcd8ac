/** The cycle check fails on a cycle (static, re-export or lazy import) and passes without one. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectCycles, runtimeImports } from "./import-cycles";

const dirs: string[] = [];
function fixture(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cycles-"));
  dirs.push(root);
  fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "esnext", moduleResolution: "bundler", paths: { "@/*": ["./*"] } } }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("import cycle check", { timeout: 60_000 }, () => {
  it("finds a cycle through a lazy import and the @/ alias, with its path", () => {
    const root = fixture({
      "server/jobs/queue.ts": 'import { getJob } from "./registry";\nexport const q = getJob;\n',
      "server/jobs/registry.ts": 'import { traceJob } from "@/server/curation/trace-job";\nexport const getJob = () => traceJob;\n',
      "server/curation/trace-job.ts": 'export const traceJob = async () => (await import("../jobs/queue")).q;\n',
      "server/ok.ts": 'import { q } from "./jobs/queue";\nexport const ok = q;\n',
    });
    const cycles = projectCycles(root, ["server"]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.files).toEqual(["server/curation/trace-job.ts", "server/jobs/queue.ts", "server/jobs/registry.ts"]);
    expect(cycles[0]!.path).toEqual(["server/curation/trace-job.ts", "server/jobs/queue.ts", "server/jobs/registry.ts", "server/curation/trace-job.ts"]);
  });

  it("finds a two-file cycle through a re-export and a self-import", () => {
    const root = fixture({
      "a.ts": 'export { b } from "./b";\nexport const a = 1;\n',
      "b.ts": 'import { a } from "./a";\nexport const b = a;\n',
      "self.ts": 'import * as me from "./self";\nexport const x = me;\n',
    });
    expect(projectCycles(root, ["."]).map((c) => c.files)).toEqual(expect.arrayContaining([["a.ts", "b.ts"], ["self.ts"]]));
  });

  it("passes a graph without cycles, and type-only imports are not dependencies", () => {
    const root = fixture({
      "a.ts": 'import type { B } from "./b";\nimport { type C } from "./c";\nexport const a = 1; export type A = B | C;\n',
      "b.ts": 'import { a } from "./a";\nexport type B = typeof a;\n',
      "c.ts": 'import { a } from "./a";\nexport type C = typeof a;\n',
    });
    expect(projectCycles(root, ["."])).toEqual([]);
  });

  it("reads static, re-export, dynamic and require imports", () => {
    expect(runtimeImports("x.ts", 'import a from "a"; import type { T } from "t"; export * from "e"; export type { U } from "u"; const m = import("d"); const r = require("r");')).toEqual(["a", "e", "d", "r"]);
  });
});
