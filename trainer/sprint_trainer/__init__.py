"""SPRINT Studio trainer: pulls a snapshot from the app with a per-job token, runs TRL SFT (or a CPU stand-in),
streams metrics/events/checkpoints back, and reports where the result is."""

__version__ = "0.1.0"
