/**
 * The Python trainer (trainer/): its stdlib unit tests (data loading/formatting, settings, app client, CPU
 * stand-in and resume) and a byte-compile of every module, including the TRL script that needs a GPU stack.
 * Needs `python3` (3.10+) on PATH — CI images must have it; no pip packages.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../trainer");

function py(args: string[]) {
  const r = spawnSync("python3", args, { cwd: path.resolve(root, ".."), encoding: "utf8", timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.error) throw new Error(`python3 is required to test the trainer: ${r.error.message}`);
  return r;
}

describe("trainer (Python)", () => {
  it("passes its unittest suite", () => {
    const r = py(["-m", "unittest", "discover", "-s", "trainer/tests", "-t", "trainer", "-v"]);
    expect(r.stderr, r.stderr).toMatch(/\nOK\s*$/);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/Ran (\d+) tests/);
  });

  it("byte-compiles every module, the TRL script included", () => {
    const files = ["trainer/train.py", ...readdirSync(path.join(root, "sprint_trainer")).filter((f) => f.endsWith(".py")).map((f) => `trainer/sprint_trainer/${f}`)];
    expect(files).toContain("trainer/sprint_trainer/trl_train.py");
    const r = py(["-c", "import sys\nfor f in sys.argv[1:]: compile(open(f, encoding='utf-8').read(), f, 'exec')", ...files]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
