/**
 * `npm test` stage "cycles" (also `npx tsx scripts/check-cycles.ts`): fails when any runtime import cycle exists
 * among the project's sources (app, components, lib, server, scripts, tests, e2e). See scripts/lib/import-cycles.ts.
 */
import path from "node:path";
import { projectCycles } from "./lib/import-cycles";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIRS = ["app", "components", "lib", "server", "scripts", "tests", "e2e", "bench"];
const IGNORE = ["server/db/generated", "node_modules", ".next"];

const t0 = Date.now();
const cycles = projectCycles(ROOT, DIRS, IGNORE);
if (cycles.length === 0) {
  console.log(`import cycles: none (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
} else {
  console.error(`import cycles: ${cycles.length} found — break each one (move the shared part down, or invert the dependency):`);
  for (const c of cycles) console.error(`  ${c.path.join(" → ")}${c.files.length > c.path.length - 1 ? `   (component of ${c.files.length} files: ${c.files.join(", ")})` : ""}`);
  process.exit(1);
}
