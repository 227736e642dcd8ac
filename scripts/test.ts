/**
 * `npm test`: lint (including the architecture boundaries, eslint/boundaries.mjs) → cycles (no runtime import
 * cycle, scripts/check-cycles.ts) → typecheck → unit (vitest) → integration (real Postgres: DATABASE_URL when
 * set, otherwise an embedded PGlite) → e2e (Playwright in Debian's Chromium against `npm start`).
 * Stops at the first failing stage. `npm test -- --skip=e2e,lint` skips stages.
 */
import { spawn } from "node:child_process";

const skip = new Set(
  process.argv
    .filter((a) => a.startsWith("--skip="))
    .flatMap((a) => a.slice("--skip=".length).split(","))
    .filter(Boolean),
);

const stages: { name: string; cmd: string; args: string[] }[] = [
  { name: "lint", cmd: "npx", args: ["eslint", ".", "--max-warnings=0"] },
  { name: "cycles", cmd: "npx", args: ["tsx", "scripts/check-cycles.ts"] },
  { name: "typecheck", cmd: "npx", args: ["tsc", "--noEmit"] },
  { name: "unit", cmd: "npx", args: ["vitest", "run", "--project", "unit"] },
  { name: "integration", cmd: "npx", args: ["vitest", "run", "--project", "integration"] },
  { name: "e2e", cmd: "npx", args: ["playwright", "test"] },
];

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: "inherit", env: process.env });
    c.on("exit", (code) => resolve(code ?? 1));
  });
}

const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const s of stages) {
  if (skip.has(s.name)) continue;
  console.log(`\n━━━ ${s.name} ━━━`);
  const t0 = Date.now();
  const code = await run(s.cmd, s.args);
  results.push({ name: s.name, ok: code === 0, seconds: (Date.now() - t0) / 1000 });
  if (code !== 0) break;
}
console.log("\n━━━ summary ━━━");
for (const r of results) console.log(`${r.ok ? "✓" : "✗"} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)}s`);
const failed = results.filter((r) => !r.ok).length;
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
