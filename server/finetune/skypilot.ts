/**
 * A fine-tune as a SkyPilot task YAML (`sky launch task.yaml` / `sky jobs launch task.yaml`): the same trainer
 * command as the HF Jobs and Ray paths. The per-job token is NOT written into the file: pass it at launch with
 * `--secret SPRINT_JOB_TOKEN=…` (SkyPilot ≥ 0.10) or `--env SPRINT_JOB_TOKEN=…`.
 */
export interface SkyPilotSpec {
  jobId: string;
  appUrl: string;
  accelerators: string;
  outputDir?: string;
  pushToHub?: string | null;
  workdir?: string;
}

/** JSON strings are valid YAML double-quoted scalars, so every value is emitted with JSON.stringify. */
const q = (s: string) => JSON.stringify(s);

export function skyPilotYaml(s: SkyPilotSpec): string {
  const out = s.outputDir ?? "/tmp/sprint-output";
  const args = ["--app-url", "$SPRINT_APP_URL", "--output-dir", out, ...(s.pushToHub ? ["--push-to-hub", s.pushToHub] : [])];
  return [
    `# SkyPilot task for SPRINT Studio fine-tune ${s.jobId}`,
    `# Launch: sky launch -c sprint-${s.jobId} task.yaml --secret SPRINT_JOB_TOKEN=<token from the job page>`,
    `name: ${q(`sprint-${s.jobId}`)}`,
    `resources:`,
    `  accelerators: ${q(s.accelerators)}`,
    `workdir: ${q(s.workdir ?? ".")}`,
    `envs:`,
    `  SPRINT_APP_URL: ${q(s.appUrl)}`,
    `  SPRINT_JOB_ID: ${q(s.jobId)}`,
    `secrets:`,
    `  SPRINT_JOB_TOKEN: null`,
    `setup: |`,
    `  pip install -r trainer/requirements.txt`,
    `run: |`,
    `  python trainer/train.py ${args.map((a) => (a.startsWith("$") ? `"${a}"` : q(a))).join(" ")}`,
    ``,
  ].join("\n");
}
