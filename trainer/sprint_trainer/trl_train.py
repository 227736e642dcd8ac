"""The real training step: TRL SFT on the prompt-completion rows (loss on the completion only), full or LoRA, bf16,
optional DeepSpeed ZeRO-3, resume from a checkpoint. Imported only on a GPU machine with requirements.txt
installed; byte-compiled in the project's tests."""
from .config import lora_kwargs, sft_kwargs


def train(job, train_rows, test_rows, output_dir, reporter, resume_from=None, world_size=1):
    import torch  # noqa: F401  (fail early with a clear ImportError when the GPU stack is missing)
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    model_id = job["baseModel"]
    tokenizer = AutoTokenizer.from_pretrained(model_id)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    cfg = SFTConfig(**sft_kwargs(job, output_dir, world_size=world_size), model_init_kwargs={"torch_dtype": "bfloat16"})
    peft_config = None
    lk = lora_kwargs(job)
    if lk:
        from peft import LoraConfig

        peft_config = LoraConfig(**lk)
    trainer = SFTTrainer(
        model=model_id,
        args=cfg,
        train_dataset=Dataset.from_list(train_rows),
        eval_dataset=Dataset.from_list(test_rows) if test_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=[reporter],
    )
    trainer.train(resume_from_checkpoint=resume_from or None)
    final = output_dir.rstrip("/") + "/final"
    trainer.save_model(final)
    tokenizer.save_pretrained(final)
    return {"global_step": trainer.state.global_step, "output": final}


def push_to_hub(local_dir, repo_id, token=None):
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, private=True, exist_ok=True)
    api.upload_folder(folder_path=local_dir, repo_id=repo_id, commit_message="SPRINT Studio fine-tune")
    return "hf://" + repo_id
