"""A CPU stand-in for the GPU step, for tests and dry runs: the same loop shape as transformers.Trainer — steps
per epoch from the data and the batch size, a cosine learning-rate schedule with warmup, a loss curve of the
shape SFT produces, an eval loss per epoch, a checkpoint directory (trainer_state.json) per epoch, resume from
the latest checkpoint — calling the same callback. No model is trained."""
import json
import math
import os
import time
from types import SimpleNamespace

from .data import approx_tokens, render_chatml


def _lr(step, total, base, warmup_ratio=0.03):
    warm = max(1, int(total * warmup_ratio))
    if step <= warm:
        return base * step / warm
    p = (step - warm) / max(1, total - warm)
    return base * 0.5 * (1 + math.cos(math.pi * p))


def _loss(step, total, tokens):
    # Fast drop from ~2.0 to a floor that depends (weakly) on sample length; deterministic wiggle.
    floor = 0.35 + 0.05 * math.log10(max(10, tokens))
    return round(floor + 1.6 * math.exp(-6.0 * step / max(1, total)) + 0.02 * math.sin(step * 1.7), 5)


def latest_checkpoint(output_dir):
    if not os.path.isdir(output_dir):
        return None
    cps = [d for d in os.listdir(output_dir) if d.startswith("checkpoint-") and d.split("-")[-1].isdigit()]
    if not cps:
        return None
    return os.path.join(output_dir, max(cps, key=lambda d: int(d.split("-")[-1])))


def run(train_rows, test_rows, hp, output_dir, callback, resume_from=None, step_delay=0.0):
    """Runs the stand-in loop; returns the final state. `resume_from` is a checkpoint directory."""
    os.makedirs(output_dir, exist_ok=True)
    batch = max(1, int(hp["batchSize"]))
    steps_per_epoch = max(1, math.ceil(len(train_rows) / batch))
    total = steps_per_epoch * int(hp["epochs"])
    tokens = sum(approx_tokens(render_chatml(r["prompt"] + r["completion"])) for r in train_rows) / max(1, len(train_rows))
    start = 0
    log_history = []
    if resume_from:
        with open(os.path.join(resume_from, "trainer_state.json"), encoding="utf-8") as f:
            st = json.load(f)
        start = int(st["global_step"])
        log_history = st.get("log_history", [])
    args = SimpleNamespace(output_dir=output_dir)
    state = SimpleNamespace(global_step=start, log_history=log_history, epoch=start / steps_per_epoch)
    control = SimpleNamespace(should_training_stop=False)
    callback.on_train_begin(args, state, control)
    for step in range(start + 1, total + 1):
        if step_delay:
            time.sleep(step_delay)
        state.global_step = step
        state.epoch = step / steps_per_epoch
        logs = {"loss": _loss(step, total, tokens), "grad_norm": round(1.0 / math.sqrt(step), 4), "learning_rate": _lr(step, total, hp["learningRate"]), "epoch": round(state.epoch, 4)}
        state.log_history.append(dict(logs, step=step))
        callback.on_log(args, state, control, logs=logs)
        if step % steps_per_epoch == 0:
            if test_rows:
                ev = {"eval_loss": round(_loss(step, total, tokens) + 0.08, 5), "epoch": round(state.epoch, 4)}
                state.log_history.append(dict(ev, step=step))
                callback.on_log(args, state, control, logs=ev)
            ck = os.path.join(output_dir, "checkpoint-%d" % step)
            os.makedirs(ck, exist_ok=True)
            with open(os.path.join(ck, "trainer_state.json"), "w", encoding="utf-8") as f:
                json.dump({"global_step": step, "epoch": state.epoch, "max_steps": total, "log_history": state.log_history}, f)
            callback.on_save(args, state, control)
        if control.should_training_stop:
            break
    callback.on_train_end(args, state, control)
    final = os.path.join(output_dir, "final")
    os.makedirs(final, exist_ok=True)
    with open(os.path.join(final, "STANDIN.txt"), "w", encoding="utf-8") as f:
        f.write("CPU stand-in run: no weights were trained.\n")
    return {"global_step": state.global_step, "total_steps": total, "stopped": control.should_training_stop, "output": final}
