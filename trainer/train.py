#!/usr/bin/env python3
"""SPRINT Studio trainer — the one program the HF Jobs, Ray and SkyPilot paths run.

  SPRINT_JOB_TOKEN=sft_… python trainer/train.py --app-url https://studio.example.com --output-dir /out \
      [--push-to-hub org/repo] [--resume auto|<checkpoint dir>] [--standin]

1. GET the job (base model, method, hyperparameters, resume checkpoint) and the snapshot (prompt-completion JSONL)
   from the app with the per-job token; 2. train (TRL SFT, or the CPU stand-in with --standin /
   SPRINT_TRAINER_STANDIN=1); 3. stream metrics, events and checkpoints; 4. report the output location.
A revoked token (job cancelled or finished in the app) stops the run at the next step."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sprint_trainer import standin  # noqa: E402
from sprint_trainer.client import AppClient, TokenRevoked  # noqa: E402
from sprint_trainer.config import hyperparams  # noqa: E402
from sprint_trainer.data import DataError, check_sprint_format, parse_jsonl, too_long  # noqa: E402
from sprint_trainer.reporter import AppReporter  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app-url", default=os.environ.get("SPRINT_APP_URL"))
    ap.add_argument("--output-dir", default=os.environ.get("SPRINT_OUTPUT_DIR", "/tmp/sprint-output"))
    ap.add_argument("--push-to-hub", default=os.environ.get("SPRINT_OUTPUT_REPO"))
    ap.add_argument("--resume", default=None, help="'auto' (latest checkpoint in --output-dir) or a checkpoint directory")
    ap.add_argument("--standin", action="store_true", default=os.environ.get("SPRINT_TRAINER_STANDIN") == "1")
    ap.add_argument("--step-delay", type=float, default=float(os.environ.get("SPRINT_STANDIN_STEP_DELAY", "0")))
    a = ap.parse_args(argv)

    client = AppClient(a.app_url, os.environ.get("SPRINT_JOB_TOKEN"))
    try:
        job = client.job()
        hp = hyperparams(job)
        train_rows = parse_jsonl(client.data("train"))
        test_text = client.data("test")
        test_rows = parse_jsonl(test_text) if test_text.strip() else []
    except TokenRevoked:
        print("The job token was revoked: the job is no longer active in the app.", file=sys.stderr)
        return 3
    except DataError as e:
        client.event("data-error", "Training data rejected: %s" % e, "error")
        print("Training data rejected: %s" % e, file=sys.stderr)
        return 2

    ok, total = check_sprint_format(train_rows)
    client.event("data", "Pulled %d train / %d test rows (%d in SPRINT format); snapshot %s" % (len(train_rows), len(test_rows), ok, job.get("snapshotHash")))
    long_rows = too_long(train_rows, hp["maxSeqLength"])
    if long_rows:
        client.event("data-long", "%d rows exceed max sequence length %d and will be truncated" % (len(long_rows), hp["maxSeqLength"]), "warning")

    resume = a.resume or job.get("resumeFrom")
    if resume == "auto":
        resume = standin.latest_checkpoint(a.output_dir)
    if resume:
        client.event("resume:%s" % resume, "Resuming from %s" % resume)

    reporter = AppReporter(client)
    if a.standin:
        result = standin.run(train_rows, test_rows, hp, a.output_dir, reporter, resume_from=resume, step_delay=a.step_delay)
    else:
        from sprint_trainer import trl_train

        result = trl_train.train(job, train_rows, test_rows, a.output_dir, reporter, resume_from=resume, world_size=int(os.environ.get("WORLD_SIZE", "1")))
    if reporter.stopped:
        print("Stopped: the job was cancelled in the app.", file=sys.stderr)
        return 3

    location = "file://" + os.path.abspath(result["output"])
    if a.push_to_hub and not a.standin:
        from sprint_trainer import trl_train

        location = trl_train.push_to_hub(result["output"], a.push_to_hub, os.environ.get("HF_TOKEN"))
    try:
        client.output(location, a.push_to_hub if location.startswith("hf://") else None)
        client.event("done", "Finished at step %d; output %s" % (result["global_step"], location))
    except TokenRevoked:
        return 3
    print("done: %s" % location)
    return 0


if __name__ == "__main__":
    sys.exit(main())
