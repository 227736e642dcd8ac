"""The app's trainer API, stdlib only (urllib). Every call carries the per-job token; a 401 means the job was
finished, cancelled or its token revoked, and the trainer must stop (TokenRevoked)."""
import json
import time
import urllib.error
import urllib.request


class TokenRevoked(Exception):
    """The app no longer accepts this job's token (job ended or token revoked)."""


class AppError(Exception):
    pass


class AppClient:
    def __init__(self, app_url, token, retries=4, backoff=0.5, timeout=60):
        if not app_url:
            raise ValueError("app_url is required (--app-url or SPRINT_APP_URL)")
        if not token:
            raise ValueError("the job token is required (SPRINT_JOB_TOKEN)")
        self.base = app_url.rstrip("/") + "/api/finetune/trainer"
        self.token = token
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout

    def _request(self, method, path, body=None, accept_json=True):
        data = None if body is None else json.dumps(body).encode("utf-8")
        last = None
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.base + path, data=data, method=method)
            req.add_header("Authorization", "Bearer " + self.token)
            if data is not None:
                req.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    raw = res.read().decode("utf-8")
                    return json.loads(raw) if accept_json else raw
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    raise TokenRevoked(e.read().decode("utf-8", "replace")) from None
                if e.code < 500 and e.code != 429:
                    raise AppError("%s %s -> HTTP %d: %s" % (method, path, e.code, e.read().decode("utf-8", "replace")[:300])) from None
                last = e
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                last = e
            if attempt < self.retries:
                time.sleep(self.backoff * (2 ** attempt))
        raise AppError("%s %s failed after %d attempts: %s" % (method, path, self.retries + 1, last))

    def job(self):
        return self._request("GET", "/job")

    def data(self, split):
        return self._request("GET", "/data?split=" + split, accept_json=False)

    def report(self, payload):
        return self._request("POST", "/report", payload)

    def metrics(self, rows):
        if rows:
            self.report({"type": "metrics", "metrics": rows})

    def event(self, key, message, level="info"):
        self.report({"type": "event", "key": key, "message": message, "level": level})

    def checkpoint(self, step, location, train_loss=None, valid_loss=None):
        self.report({"type": "checkpoint", "step": step, "location": location, "train_loss": train_loss, "valid_loss": valid_loss})

    def running(self):
        self.report({"type": "status", "status": "running"})

    def output(self, location, model=None):
        self.report({"type": "output", "location": location, "model": model})
