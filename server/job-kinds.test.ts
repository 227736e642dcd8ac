/** The composition file lists every job a domain defines (a job defined but not listed would never run). */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SERVER = path.resolve(import.meta.dirname);

function jobFiles(): string[] {
  const out: string[] = [];
  for (const domain of fs.readdirSync(SERVER, { withFileTypes: true })) {
    if (!domain.isDirectory() || domain.name === "jobs") continue;
    const dir = path.join(SERVER, domain.name, "jobs");
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) if (f.endsWith(".ts") && !f.endsWith(".test.ts")) out.push(path.join(dir, f));
  }
  return out;
}

describe("server/job-kinds.ts", () => {
  const composition = fs.readFileSync(path.join(SERVER, "job-kinds.ts"), "utf8");
  const listed = composition.slice(composition.indexOf("JOB_KINDS"));

  it("lists every job definition exported from a server/<domain>/jobs/ folder", () => {
    const defs = jobFiles().flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/export const (\w+)\s*=\s*define(?:Item)?Job\(/g)].map((m) => ({ file: path.relative(SERVER, file), name: m[1]! })),
    );
    expect(defs.length).toBeGreaterThanOrEqual(3);
    const missing = defs.filter((d) => !new RegExp(`\\b${d.name}\\b`).test(listed));
    expect(missing, "job definitions not listed in JOB_KINDS").toEqual([]);
  });

  it("server/jobs itself defines no domain job", () => {
    const jobsDir = path.join(SERVER, "jobs");
    for (const f of fs.readdirSync(jobsDir, { recursive: true }) as string[]) {
      if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
      expect(fs.readFileSync(path.join(jobsDir, f), "utf8"), f).not.toMatch(/export const \w+\s*=\s*define(?:Item)?Job\(/);
    }
  });
});
