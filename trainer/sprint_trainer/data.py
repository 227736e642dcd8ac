"""Training data: the app's prompt-completion export (TRL conversational prompt-completion JSONL).

Why prompt-completion and not `messages` + `assistant_only_loss=True`: TRL's assistant-only loss needs
`{% generation %}` markers in the chat template; the stock Qwen2.5 / DeepSeek-R1-Distill templates have none, so
the mask is silently all zero. With prompt-completion rows TRL computes the loss on the completion only."""
import json


class DataError(ValueError):
    pass


def _messages(value, field, lineno):
    if not isinstance(value, list) or not value:
        raise DataError("line %d: %s must be a non-empty list of messages" % (lineno, field))
    for m in value:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") or not isinstance(m.get("content"), str):
            raise DataError("line %d: %s has a message without a valid role/content" % (lineno, field))
    return value


def parse_jsonl(text):
    """Rows of {prompt:[…], completion:[…]}; raises DataError naming the first bad line."""
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError("line %d: not JSON (%s)" % (lineno, e.msg))
        if not isinstance(row, dict):
            raise DataError("line %d: expected an object" % lineno)
        prompt = _messages(row.get("prompt"), "prompt", lineno)
        completion = _messages(row.get("completion"), "completion", lineno)
        if any(m["role"] != "assistant" for m in completion):
            raise DataError("line %d: the completion must hold assistant messages only" % lineno)
        if prompt[-1]["role"] == "assistant":
            raise DataError("line %d: the prompt must end with a user (or system) turn" % lineno)
        rows.append({"prompt": prompt, "completion": completion})
    if not rows:
        raise DataError("no training rows")
    return rows


def check_sprint_format(rows):
    """Counts rows whose completion is a SPRINT trajectory (<think> with <Plan_1> … </think>). Returns (ok, total)."""
    ok = 0
    for r in rows:
        text = "".join(m["content"] for m in r["completion"])
        if text.lstrip().startswith("<think>") and "<Plan_1>" in text and "</think>" in text:
            ok += 1
    return ok, len(rows)


def render_chatml(messages):
    """A plain ChatML rendering (Qwen-style) used by the CPU stand-in to size samples; the real run uses the
    tokenizer's own chat template through TRL."""
    return "".join("<|im_start|>%s\n%s<|im_end|>\n" % (m["role"], m["content"]) for m in messages)


def approx_tokens(text):
    """~4 characters per token: enough for the stand-in's step count and the length check."""
    return max(1, (len(text) + 3) // 4)


def too_long(rows, max_seq_length):
    """Indexes of rows whose prompt+completion exceeds max_seq_length (approximate tokens)."""
    out = []
    for i, r in enumerate(rows):
        n = approx_tokens(render_chatml(r["prompt"])) + approx_tokens(render_chatml(r["completion"]))
        if n > max_seq_length:
            out.append(i)
    return out
