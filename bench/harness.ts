/**
 * What the benchmarks share: numeric command-line options, and an embedded PGlite served by a child process
 * (so the measured process's memory and CPU are the benchmark's own).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

/** `--name N` from the command line, else `fallback`; positive unless `allowZero`. Throws on anything else. */
export function option(name: string, fallback: number, opts: { allowZero?: boolean } = {}): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (opts.allowZero) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  } else if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const SERVE_FLAG = "--serve-embedded";

/**
 * Child mode: when this process was started by {@link startEmbeddedChild}, serves an embedded PGlite until stdin
 * closes and never returns. Call it (awaited) at the top of a benchmark script that uses startEmbeddedChild.
 */
export async function serveEmbeddedIfChild(): Promise<void> {
  if (!process.argv.includes(SERVE_FLAG)) return;
  const dir = process.argv[process.argv.indexOf(SERVE_FLAG) + 1] as string;
  const { startEmbeddedPostgres } = await import("../server/db/embedded");
  const emb = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
  console.log(`URL ${emb.url}`);
  process.stdin.resume();
  process.stdin.on("end", () => void emb.stop().then(() => process.exit(0)));
  await new Promise(() => undefined);
}

/**
 * Starts `script` (the calling benchmark, `import.meta.filename`) again as a child serving an embedded PGlite in
 * `<tmp>/pg`, applies the migrations, and returns its URL and how to stop it.
 */
export async function startEmbeddedChild(script: string, tmp: string): Promise<{ url: string; mode: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, script, SERVE_FLAG, path.join(tmp, "pg")], { stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on("line", (l) => {
      if (l.startsWith("URL ")) resolve(l.slice(4));
    });
    child.once("exit", (code) => reject(new Error(`embedded Postgres exited (${code})`)));
  });
  const { migrateDeploy } = await import("../scripts/prisma-cli");
  await migrateDeploy({ url, embedded: true, quiet: true });
  return {
    url,
    mode: "embedded PGlite (child process)",
    stop: async () => {
      child.stdin?.end();
      await new Promise((r) => child.once("exit", r));
    },
  };
}
