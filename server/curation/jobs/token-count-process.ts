/**
 * Token counting off the job worker's main thread, in a child process at a lower CPU priority (nice
 * {@link CHILD_NICE}), so a 100k-trace recount neither blocks the worker's event loop (heartbeats, other jobs)
 * nor takes CPU from the web server: under contention the kernel schedules the web process first.
 *
 * {@link startTokenCounter} forks this same file (through tsx, which runs the worker) and talks to it over
 * IPC: `count(texts)` resolves to one {@link ReasoningCounts} per text. Where a child cannot be started (e.g.
 * the handler runs inside vitest, whose TypeScript loader a child would not inherit) it counts in-process.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { loadQwenTokenizer } from "../../sprint/tokenizer";
import type { Tokenizer } from "../../sprint/types";

/** Nice value of the counting process (0 = normal, 19 = lowest). */
const CHILD_NICE = 10;

export interface ReasoningCounts {
  reasoningTokens: number;
  lineTokens: number[];
}

/** Token counts of one reasoning text (the line convention is described in recount-tokens.ts). */
export function countReasoning(tokenizer: Tokenizer, reasoning: string): ReasoningCounts {
  const lines = reasoning.split("\n");
  const last = lines.length - 1;
  return {
    reasoningTokens: tokenizer.count(reasoning),
    lineTokens: lines.map((line, i) => tokenizer.count(i < last ? `${line}\n` : line)),
  };
}

export interface TokenCounter {
  readonly tokenizer: string;
  /** Where counting happens: "child process (nice 10)" or "in-process". */
  readonly mode: string;
  count(texts: string[]): Promise<ReasoningCounts[]>;
  /** CPU time spent counting so far (ms, user + system of the counting process or this process). */
  cpuMs(): number;
  close(): void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function inProcess(): Promise<TokenCounter> {
  const tokenizer = await loadQwenTokenizer();
  let cpu = 0;
  return {
    tokenizer: tokenizer.name,
    mode: "in-process",
    cpuMs: () => cpu / 1000,
    async count(texts) {
      const start = process.cpuUsage();
      const out: ReasoningCounts[] = [];
      let slice = performance.now();
      for (const t of texts) {
        out.push(countReasoning(tokenizer, t));
        if (performance.now() - slice > 20) {
          await yieldToEventLoop(); // let timers (heartbeat, polling) run
          slice = performance.now();
        }
      }
      const used = process.cpuUsage(start);
      cpu += used.user + used.system;
      return out;
    },
    close() {},
  };
}

type Reply = { id: number; counts?: ReasoningCounts[]; error?: string; ready?: string; cpuMicros?: number };

/** A counter in a child process when possible, else in-process. */
export async function startTokenCounter(opts: { preferChild?: boolean } = {}): Promise<TokenCounter> {
  const runningUnderTsx = process.execArgv.some((a) => a.includes("tsx"));
  if (opts.preferChild === false || !runningUnderTsx) return inProcess();
  let child: ChildProcess;
  try {
    child = fork(new URL(import.meta.url).pathname, ["--token-count-child"], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  } catch {
    return inProcess();
  }
  const pending = new Map<number, { resolve: (c: ReasoningCounts[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  let cpuMicros = 0;
  const ready = new Promise<string>((resolve, reject) => {
    child.on("message", (m: Reply) => {
      if (m.ready) return resolve(m.ready);
      if (m.cpuMicros !== undefined) cpuMicros = m.cpuMicros;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.counts ?? []);
    });
    child.once("exit", (code) => {
      dead = new Error(`the token-count process exited (${code})`);
      reject(dead);
      for (const p of pending.values()) p.reject(dead);
      pending.clear();
    });
    child.once("error", reject);
  });
  let tokenizer: string;
  try {
    tokenizer = await ready;
  } catch {
    child.kill();
    return inProcess();
  }
  try {
    if (child.pid) os.setPriority(child.pid, CHILD_NICE);
  } catch {
    // not permitted here: it still runs off the main thread
  }
  return {
    tokenizer,
    mode: `child process (nice ${CHILD_NICE})`,
    cpuMs: () => cpuMicros / 1000,
    count(texts) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, texts });
      });
    },
    close() {
      child.disconnect?.();
      child.kill();
    },
  };
}

// ── child mode ────────────────────────────────────────────────────────────────────────────────────────
if (process.argv.includes("--token-count-child") && process.send) {
  const tokenizer = await loadQwenTokenizer();
  process.on("message", (m: { id: number; texts: string[] }) => {
    try {
      const counts = m.texts.map((t) => countReasoning(tokenizer, t));
      const cpu = process.cpuUsage();
      process.send!({ id: m.id, counts, cpuMicros: cpu.user + cpu.system } satisfies Reply);
    } catch (err) {
      process.send!({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send({ id: 0, ready: tokenizer.name } satisfies Reply);
}
