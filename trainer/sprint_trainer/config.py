"""From the app's job description to trainer settings (TRL SFTConfig keyword arguments, LoRA, DeepSpeed)."""
import math

RECIPE = {"epochs": 5, "learningRate": 1e-5, "batchSize": 8, "maxSeqLength": 16384, "seed": 42, "packing": False, "deepspeedZero3": True}


def hyperparams(job):
    hp = dict(RECIPE)
    hp.update({k: v for k, v in (job.get("hyperparams") or {}).items() if v is not None})
    return hp


def sft_kwargs(job, output_dir, per_device_batch=1, world_size=1):
    """Keyword arguments for trl.SFTConfig. The global batch size is reached with gradient accumulation."""
    hp = hyperparams(job)
    accum = max(1, math.ceil(hp["batchSize"] / max(1, per_device_batch * world_size)))
    kw = {
        "output_dir": output_dir,
        "num_train_epochs": hp["epochs"],
        "learning_rate": hp["learningRate"],
        "per_device_train_batch_size": per_device_batch,
        "gradient_accumulation_steps": accum,
        "max_length": hp["maxSeqLength"],
        "packing": bool(hp["packing"]),
        "seed": hp["seed"],
        "bf16": True,
        "gradient_checkpointing": True,
        "lr_scheduler_type": "cosine",
        "warmup_ratio": 0.03,
        "logging_steps": 1,
        "save_strategy": "epoch",
        "eval_strategy": "epoch",
        "report_to": [],
        # prompt-completion rows: loss on the completion only (TRL's default for this format).
        "completion_only_loss": True,
    }
    if hp.get("deepspeedZero3"):
        kw["deepspeed"] = deepspeed_zero3()
    return kw


def lora_kwargs(job):
    if job.get("method") != "lora":
        return None
    hp = hyperparams(job)
    r = int(hp.get("loraR") or 64)
    return {"r": r, "lora_alpha": int(hp.get("loraAlpha") or 2 * r), "lora_dropout": 0.05, "target_modules": "all-linear", "task_type": "CAUSAL_LM"}


def deepspeed_zero3():
    return {
        "bf16": {"enabled": True},
        "zero_optimization": {
            "stage": 3,
            "overlap_comm": True,
            "contiguous_gradients": True,
            "reduce_bucket_size": "auto",
            "stage3_prefetch_bucket_size": "auto",
            "stage3_param_persistence_threshold": "auto",
            "stage3_gather_16bit_weights_on_model_save": True,
        },
        "gradient_accumulation_steps": "auto",
        "gradient_clipping": "auto",
        "train_batch_size": "auto",
        "train_micro_batch_size_per_gpu": "auto",
    }


def metric_row(logs, step):
    """A Trainer `on_log` dict → the app's metric row (None when it carries no loss)."""
    row = {"step": int(step)}
    if "loss" in logs:
        row["train_loss"] = float(logs["loss"])
    if "eval_loss" in logs:
        row["valid_loss"] = float(logs["eval_loss"])
    if "learning_rate" in logs:
        row["lr"] = float(logs["learning_rate"])
    if "epoch" in logs:
        row["epoch"] = float(logs["epoch"])
    return row if ("train_loss" in row or "valid_loss" in row) else None
