import { describe, expect, it } from "vitest";
import { togetherStatus } from "./together";
import { openAiStatus } from "./openai";
import { hfStatus } from "./hf-jobs";
import { rayStatus, raySubmission } from "./ray";
import { metricFrom } from "./common";
import { skyPilotYaml } from "../skypilot";
import { RECIPE } from "../types";

describe("status normalization", () => {
  it("maps every documented provider status", () => {
    expect(["pending", "queued", "running", "compressing", "uploading", "cancel_requested", "cancelled", "error", "completed"].map(togetherStatus)).toEqual(["queued", "queued", "running", "running", "running", "running", "cancelled", "failed", "succeeded"]);
    expect(["validating_files", "queued", "running", "succeeded", "failed", "cancelled"].map(openAiStatus)).toEqual(["validating", "queued", "running", "succeeded", "failed", "cancelled"]);
    expect(["RUNNING", "COMPLETED", "CANCELED", "ERROR", "DELETED", "UPDATING"].map(hfStatus)).toEqual(["running", "succeeded", "cancelled", "failed", "failed", "queued"]);
    expect(["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED"].map(rayStatus)).toEqual(["queued", "running", "succeeded", "failed", "cancelled"]);
  });
});

describe("metric records", () => {
  it("reads the providers' and Trainer's field names", () => {
    expect(metricFrom({ global_step: 3, train_loss: 1.2, eval_loss: 1.4, lr: 1e-5, epoch: 0.5 })).toEqual({ step: 3, epoch: 0.5, trainLoss: 1.2, validLoss: 1.4, lr: 1e-5 });
    expect(metricFrom({ step: "7", loss: 0.9, learning_rate: 2e-6 })).toEqual({ step: 7, epoch: null, trainLoss: 0.9, validLoss: null, lr: 2e-6 });
    expect(metricFrom({ loss: 1 })).toBeNull();
  });
});

describe("trainer launch specs", () => {
  const spec = { jobId: "job1", baseModel: RECIPE.baseModel, method: "full" as const, hyperparams: RECIPE.hyperparams, suffix: "s", files: null, trainer: { appUrl: "https://studio.example.com", token: "sft_secret" } };
  it("Ray: quoted entrypoint, token only in env_vars", () => {
    const s = raySubmission({ id: "p", kind: "ray", baseUrl: "http://ray:8265", apiKey: null, webhookSecret: null, config: { outputDir: "/mnt/out dir" } }, spec);
    expect(s.entrypoint).toBe("python trainer/train.py --app-url https://studio.example.com --output-dir '/mnt/out dir'");
    expect(s.runtime_env.env_vars.SPRINT_JOB_TOKEN).toBe("sft_secret");
    expect(s.entrypoint).not.toContain("sft_secret");
    expect(s.entrypoint_num_gpus).toBe(8);
  });
  it("SkyPilot: task YAML without the token", () => {
    const y = skyPilotYaml({ jobId: "job1", appUrl: "https://studio.example.com", accelerators: "H100:8", pushToHub: "acme/m" });
    expect(y).toContain('accelerators: "H100:8"');
    expect(y).toContain('SPRINT_APP_URL: "https://studio.example.com"');
    expect(y).toContain("SPRINT_JOB_TOKEN: null");
    expect(y).toContain('python trainer/train.py "--app-url" "$SPRINT_APP_URL" "--output-dir" "/tmp/sprint-output" "--push-to-hub" "acme/m"');
  });
});
