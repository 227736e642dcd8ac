"""Streams a training run's logs to the app. Duck-types transformers.TrainerCallback (on_log / on_save /
on_train_begin), so the TRL path registers it as a callback and the CPU stand-in calls it the same way."""
import os

from .client import TokenRevoked
from .config import metric_row


class AppReporter:
    def __init__(self, client, flush_every=5):
        self.client = client
        self.flush_every = flush_every
        self.buffer = []
        self.stopped = False

    def _safe(self, fn, *args):
        if self.stopped:
            return
        try:
            fn(*args)
        except TokenRevoked:
            # The job was cancelled or finished in the app: stop training at the next step.
            self.stopped = True

    def flush(self):
        rows, self.buffer = self.buffer, []
        if rows:
            self._safe(self.client.metrics, rows)

    # transformers.TrainerCallback interface -------------------------------------------------------------
    def on_train_begin(self, args=None, state=None, control=None, **kw):
        self._safe(self.client.running)
        self._safe(self.client.event, "train-begin", "Training started")
        return control

    def on_log(self, args=None, state=None, control=None, logs=None, **kw):
        row = metric_row(logs or {}, getattr(state, "global_step", 0))
        if row:
            self.buffer.append(row)
        if len(self.buffer) >= self.flush_every or (logs and "eval_loss" in logs):
            self.flush()
        if self.stopped and control is not None:
            control.should_training_stop = True
        return control

    def on_save(self, args=None, state=None, control=None, **kw):
        self.flush()
        step = getattr(state, "global_step", 0)
        location = os.path.join(getattr(args, "output_dir", "."), "checkpoint-%d" % step)
        hist = [h for h in (getattr(state, "log_history", None) or []) if "loss" in h]
        self._safe(self.client.checkpoint, step, location, hist[-1]["loss"] if hist else None, None)
        return control

    def on_train_end(self, args=None, state=None, control=None, **kw):
        self.flush()
        return control
