/**
 * How the project's trainer (trainer/train.py) is started by the HF Jobs, Ray and SkyPilot paths: the same
 * command line everywhere. The trainer reads its job (hyperparameters, resume checkpoint) from the app with the
 * per-job token, so the command carries only where to call back; the token travels as a secret / env var.
 */
import type { LaunchSpec } from "../types";

export const TRAINER_SCRIPT = "trainer/train.py";

export function trainerArgs(spec: LaunchSpec, outputDir: string, pushTo?: string | null): string[] {
  const a = ["--app-url", spec.trainer?.appUrl ?? "", "--output-dir", outputDir];
  if (pushTo) a.push("--push-to-hub", pushTo);
  return a;
}

export function trainerEnv(spec: LaunchSpec): Record<string, string> {
  return { SPRINT_APP_URL: spec.trainer?.appUrl ?? "", SPRINT_JOB_ID: spec.jobId };
}
