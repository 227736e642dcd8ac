import crypto from "node:crypto";
import type { ProviderEvent, ProviderMetric } from "../types";

/** A stable key for an event without a provider id. */
export function eventKey(...parts: (string | number | null | undefined)[]): string {
  return crypto.createHash("sha256").update(parts.map((p) => String(p ?? "")).join("\u0000")).digest("hex").slice(0, 32);
}

export function level(v: unknown): ProviderEvent["level"] {
  const s = String(v ?? "").toLowerCase();
  if (s.includes("error")) return "error";
  if (s.includes("warn")) return "warning";
  return "info";
}

function num(o: Record<string, unknown>, ...names: string[]): number | null {
  for (const n of names) {
    const v = o[n];
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

/** Reads one metrics record whatever the provider calls its fields (step/global_step, train_loss/loss, …). */
export function metricFrom(o: Record<string, unknown>): ProviderMetric | null {
  const step = num(o, "step", "global_step", "train/global_step");
  if (step === null) return null;
  return {
    step: Math.round(step),
    epoch: num(o, "epoch", "train/epoch"),
    trainLoss: num(o, "train_loss", "loss", "train/loss"),
    validLoss: num(o, "valid_loss", "eval_loss", "eval/loss", "validation_loss"),
    lr: num(o, "lr", "learning_rate", "train/learning_rate"),
  };
}

/** The message of an error thrown by an SDK, without stacks. */
export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === "object" && e && "message" in e ? String((e as { message: unknown }).message) : String(e);
}
