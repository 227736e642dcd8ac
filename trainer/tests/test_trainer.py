"""Unit tests of the trainer's stdlib parts: data loading/formatting, settings, the app client, the stand-in loop
and resume. Run: python3 -m unittest discover -s trainer/tests -t trainer"""
import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

from sprint_trainer import standin
from sprint_trainer.client import AppClient, AppError, TokenRevoked
from sprint_trainer.config import deepspeed_zero3, hyperparams, lora_kwargs, metric_row, sft_kwargs
from sprint_trainer.data import DataError, check_sprint_format, parse_jsonl, render_chatml, too_long
from sprint_trainer.reporter import AppReporter

TRAJ = "<think>\n<Plan_1>\nSplit the cases.\n<prompt_1.1> Case n even </prompt_1.1>\n</Plan_1>\n<Execution_1>\n<execution_1.1>\nEven works.\n</execution_1.1>\n</Execution_1>\n<Final_answer>\n\\boxed{4}\n</Final_answer>\n</think>"


def row(q="What is 2+2?", completion=TRAJ):
    return json.dumps({"prompt": [{"role": "user", "content": "SPRINT prompt\n<Question>\n%s\n</Question>" % q}], "completion": [{"role": "assistant", "content": completion}]})


class DataTests(unittest.TestCase):
    def test_parses_prompt_completion_rows(self):
        rows = parse_jsonl(row() + "\n\n" + row("3+3?") + "\n")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["completion"][0]["role"], "assistant")
        self.assertEqual(check_sprint_format(rows), (2, 2))

    def test_rejects_bad_lines_with_line_number(self):
        with self.assertRaisesRegex(DataError, "line 2: not JSON"):
            parse_jsonl(row() + "\n{oops\n")
        with self.assertRaisesRegex(DataError, "line 1: the completion must hold assistant"):
            parse_jsonl(json.dumps({"prompt": [{"role": "user", "content": "q"}], "completion": [{"role": "user", "content": "x"}]}))
        with self.assertRaisesRegex(DataError, "line 1: prompt must be"):
            parse_jsonl(json.dumps({"messages": []}))
        with self.assertRaisesRegex(DataError, "no training rows"):
            parse_jsonl("\n\n")

    def test_prompt_must_not_end_with_assistant(self):
        bad = {"prompt": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "completion": [{"role": "assistant", "content": "b"}]}
        with self.assertRaisesRegex(DataError, "must end with a user"):
            parse_jsonl(json.dumps(bad))

    def test_format_check_counts_non_sprint_completions(self):
        rows = parse_jsonl(row() + "\n" + row(completion="The answer is 4."))
        self.assertEqual(check_sprint_format(rows), (1, 2))

    def test_chatml_rendering_and_length_check(self):
        msgs = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]
        self.assertEqual(render_chatml(msgs), "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nyo<|im_end|>\n")
        rows = parse_jsonl(row() + "\n" + row(completion="<think>" + "x" * 4000 + "</think>"))
        self.assertEqual(too_long(rows, 512), [1])


class ConfigTests(unittest.TestCase):
    def test_recipe_defaults(self):
        hp = hyperparams({"hyperparams": None})
        self.assertEqual((hp["epochs"], hp["learningRate"]), (5, 1e-5))
        kw = sft_kwargs({"hyperparams": {}}, "/out")
        self.assertTrue(kw["bf16"])
        self.assertTrue(kw["completion_only_loss"])
        self.assertEqual(kw["deepspeed"]["zero_optimization"]["stage"], 3)
        self.assertNotIn("assistant_only_loss", kw)

    def test_batch_size_by_accumulation(self):
        kw = sft_kwargs({"hyperparams": {"batchSize": 16, "deepspeedZero3": False}}, "/out", per_device_batch=1, world_size=8)
        self.assertEqual(kw["gradient_accumulation_steps"], 2)
        self.assertNotIn("deepspeed", kw)

    def test_lora(self):
        self.assertIsNone(lora_kwargs({"method": "full"}))
        self.assertEqual(lora_kwargs({"method": "lora", "hyperparams": {"loraR": 16}})["lora_alpha"], 32)
        self.assertTrue(deepspeed_zero3()["zero_optimization"]["stage3_gather_16bit_weights_on_model_save"])

    def test_metric_row(self):
        self.assertEqual(metric_row({"loss": 1.5, "learning_rate": 1e-5, "epoch": 0.2}, 3), {"step": 3, "train_loss": 1.5, "lr": 1e-5, "epoch": 0.2})
        self.assertEqual(metric_row({"eval_loss": 0.9}, 10), {"step": 10, "valid_loss": 0.9})
        self.assertIsNone(metric_row({"train_runtime": 12.0}, 10))


class FakeApp(BaseHTTPRequestHandler):
    calls = []
    fail_first = 0

    def log_message(self, *a):
        pass

    def _reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def do_GET(self):
        FakeApp.calls.append(("GET", self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != "Bearer sft_good":
            return self._reply(401, {"error": "revoked"})
        if FakeApp.fail_first > 0:
            FakeApp.fail_first -= 1
            return self._reply(503, {"error": "busy"})
        if self.path.startswith("/api/finetune/trainer/job"):
            return self._reply(200, {"jobId": "j1", "baseModel": "m", "method": "full", "hyperparams": {"epochs": 2}})
        if self.path.startswith("/api/finetune/trainer/data"):
            self.send_response(200)
            self.end_headers()
            self.wfile.write((row() + "\n").encode())
            return
        self._reply(404, {"error": "nope"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        FakeApp.calls.append(("POST", self.path, json.loads(self.rfile.read(n))))
        if self.headers.get("Authorization") != "Bearer sft_good":
            return self._reply(401, {"error": "revoked"})
        self._reply(200 if self.path.endswith("/report") else 404, {"ok": True})


class ClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = HTTPServer(("127.0.0.1", 0), FakeApp)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.url = "http://127.0.0.1:%d" % cls.srv.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def setUp(self):
        FakeApp.calls = []
        FakeApp.fail_first = 0

    def test_job_and_data_with_token(self):
        c = AppClient(self.url, "sft_good", backoff=0.01)
        self.assertEqual(c.job()["jobId"], "j1")
        self.assertEqual(len(parse_jsonl(c.data("train"))), 1)
        self.assertEqual(FakeApp.calls[0][2], "Bearer sft_good")

    def test_retries_5xx_then_succeeds(self):
        FakeApp.fail_first = 2
        c = AppClient(self.url, "sft_good", retries=3, backoff=0.01)
        self.assertEqual(c.job()["jobId"], "j1")
        self.assertEqual(len(FakeApp.calls), 3)

    def test_gives_up_after_retries(self):
        FakeApp.fail_first = 10
        with self.assertRaises(AppError):
            AppClient(self.url, "sft_good", retries=1, backoff=0.01).job()

    def test_revoked_token_raises_and_reporter_stops(self):
        c = AppClient(self.url, "sft_revoked", backoff=0.01)
        with self.assertRaises(TokenRevoked):
            c.job()
        r = AppReporter(c, flush_every=1)
        from types import SimpleNamespace

        control = SimpleNamespace(should_training_stop=False)
        r.on_log(None, SimpleNamespace(global_step=1), control, logs={"loss": 1.0})
        self.assertTrue(r.stopped)
        self.assertTrue(control.should_training_stop)

    def test_requires_url_and_token(self):
        with self.assertRaises(ValueError):
            AppClient("", "t")
        with self.assertRaises(ValueError):
            AppClient("http://x", None)


class Recorder:
    def __init__(self):
        self.logs, self.saves, self.stopped = [], [], False

    def on_train_begin(self, *a, **k):
        pass

    def on_log(self, args, state, control, logs=None):
        self.logs.append((state.global_step, dict(logs)))

    def on_save(self, args, state, control):
        self.saves.append(state.global_step)

    def on_train_end(self, *a, **k):
        pass


class StandinTests(unittest.TestCase):
    def test_loop_shape_checkpoints_and_resume(self):
        rows = parse_jsonl("\n".join(row("q%d" % i) for i in range(10)))
        hp = {"epochs": 3, "learningRate": 1e-5, "batchSize": 4}
        with tempfile.TemporaryDirectory() as d:
            rec = Recorder()
            res = standin.run(rows, rows[:2], hp, d, rec)
            self.assertEqual(res["total_steps"], 9)  # ceil(10/4)=3 steps × 3 epochs
            self.assertEqual(rec.saves, [3, 6, 9])
            train = [l for s, l in rec.logs if "loss" in l]
            self.assertEqual(len(train), 9)
            self.assertGreater(train[0]["loss"], train[-1]["loss"])
            self.assertTrue(all(0 <= l["learning_rate"] <= 1e-5 for l in train) and train[-1]["learning_rate"] < train[1]["learning_rate"])
            self.assertEqual(len([l for s, l in rec.logs if "eval_loss" in l]), 3)
            self.assertEqual(standin.latest_checkpoint(d), os.path.join(d, "checkpoint-9"))
            # Resume from epoch 1's checkpoint: continues at step 4 with the same curve.
            rec2 = Recorder()
            standin.run(rows, [], hp, d, rec2, resume_from=os.path.join(d, "checkpoint-3"))
            self.assertEqual(rec2.logs[0][0], 4)
            self.assertEqual(rec2.logs[0][1]["loss"], train[3]["loss"])


if __name__ == "__main__":
    unittest.main()
