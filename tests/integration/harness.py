"""Processes and HTTP for the server's integration tests: the real sparouter-server and real
fake upstreams (sparouter-fake-upstream) on loopback, ports chosen by the OS."""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time

SERVER_BIN = os.environ.get("SPAROUTER_SERVER_BIN", "")
FAKE_BIN = os.environ.get("SPAROUTER_FAKE_UPSTREAM_BIN", "")
ADMIN_TOKEN = "test-admin-token-0123456789"
APP_SECRET = "integration-secret-0123456789"
LISTEN_RE = re.compile(r"listening on (https?)://127\.0\.0\.1:(\d+)")


class Process:
    """A child process whose stdout is collected; waits for its "listening on" line."""

    def __init__(self, argv, env, cwd=None, timeout=20):
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = []
        self.err_lines = []
        self.port = None
        ready = threading.Event()

        def pump_out():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = LISTEN_RE.search(line)
                if m and self.port is None:
                    self.port = int(m.group(2))
                    ready.set()
            ready.set()

        def pump_err():
            for line in self.proc.stderr:
                self.err_lines.append(line)

        threading.Thread(target=pump_out, daemon=True).start()
        threading.Thread(target=pump_err, daemon=True).start()
        if not ready.wait(timeout) or self.port is None:
            self.stop()
            raise RuntimeError("did not start: %s\nstdout: %s\nstderr: %s"
                               % (argv, "".join(self.lines), "".join(self.err_lines)))

    def output(self):
        return "".join(self.lines)

    def wait_for_output(self, text, timeout=10):
        """Waits until `text` shows on stdout (start-up lines follow the "listening" one)."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                raise AssertionError("no %r in output:\n%s" % (text, self.output()))
            time.sleep(0.02)

    def errors(self):
        return "".join(self.err_lines)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Fake(Process):
    def __init__(self, name, models=("fake-model",), chunk_delay_ms=0, api_key=None):
        argv = [FAKE_BIN, "--port", "0", "--name", name, "--models", ",".join(models),
                "--chunk-delay-ms", str(chunk_delay_ms)]
        if api_key:
            argv += ["--api-key", api_key]
        super().__init__(argv, dict(os.environ))
        self.name = name

    @property
    def base_url(self):
        return "http://127.0.0.1:%d/v1" % self.port

    def faults(self, **fault):
        status, _, _ = request(self.port, "POST", "/_fake/faults", fault)
        assert status in (200, 204), status

    def clear(self):
        request(self.port, "DELETE", "/_fake/faults")

    def stats(self):
        return request(self.port, "GET", "/_fake/stats")[2]


def server_env(tmp, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPAROUTER_", "ROUTER_"))}
    env.update({
        "PORT": "0", "HOST": "127.0.0.1", "THREADS": "2",
        "ADMIN_TOKEN": ADMIN_TOKEN, "APP_SECRET": APP_SECRET,
        "STORAGE_MODE": "file", "STATE_FILE": os.path.join(tmp, "state.json"),
        # tmp is absolute, so this is sqlite:////abs/path (SQLAlchemy's absolute form).
        "DATABASE_URL": "sqlite:///" + os.path.join(tmp, "router.db"),
        "CONFIG_DIR": os.path.join(tmp, "config"),
    })
    for k, v in extra.items():  # None unsets
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


class Server(Process):
    def __init__(self, tmp, args=(), **extra):
        self.env = server_env(tmp, **extra)
        super().__init__([SERVER_BIN, *args, "--env-file", os.path.join(tmp, "none.env")],
                         self.env, cwd=tmp)

    def api(self, method, path, body=None, token=ADMIN_TOKEN, headers=None):
        h = dict(headers or {})
        if token is not None:
            h["X-Admin-Token"] = token
        return request(self.port, method, path, body, h)

    def chat(self, model="auto", text="hello", stream=False, headers=None, **extra):
        body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
        if stream:
            body["stream"] = True
        return request(self.port, "POST", "/v1/chat/completions", body, headers)


def request(port, method, path, body=None, headers=None, raw=None, timeout=30):
    """One HTTP request on a fresh connection: (status, headers dict lower-cased, JSON or text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {k: v for k, v in (headers or {}).items()}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    hdrs = {k.lower(): v for k, v in resp.getheaders()}
    text = payload.decode("utf-8", "replace")
    if hdrs.get("content-type", "").startswith("application/json") and text:
        return resp.status, hdrs, json.loads(text)
    return resp.status, hdrs, text


def setup_routing(server, fakes, groups, rules=(), mode="rules_only", default_group=None,
                  settings=None):
    """Creates one provider per fake and the groups {name: [(fake index, weight, priority), ...]}
    (with fallbacks from {"name": {"fallbacks": [...]}} when given as a tuple), then applies."""
    for i, fake in enumerate(fakes):
        st, _, body = server.api("POST", "/api/providers", {
            "id": "p%d" % i, "name": "Fake %s" % fake.name, "kind": "openai_compatible",
            "base_url": fake.base_url, "api_key": "sk-test-%s-SECRETKEY" % fake.name})
        assert st == 201, body
    for name, spec in groups.items():
        deps, fallbacks = (spec if isinstance(spec, tuple) else (spec, []))
        st, _, body = server.api("POST", "/api/routing/groups",
                                 {"name": name, "fallbacks": []})
        assert st == 201, body
        for j, (fi, weight, priority, *rest) in enumerate(deps):
            dep = {"provider_id": "p%d" % fi, "model": "%s-m%d" % (name, j), "weight": weight,
                   "priority": priority}
            if rest:
                dep["timeout_ms"] = rest[0]
            st, _, body = server.api("POST", "/api/routing/groups/%s/deployments" % name, dep)
            assert st == 201, body
    for name, spec in groups.items():
        if isinstance(spec, tuple) and spec[1]:
            st, _, body = server.api("PUT", "/api/routing/groups/%s" % name,
                                     {"fallbacks": spec[1]})
            assert st == 200, body
    return configure_and_apply(server, mode, default_group or next(iter(groups)), rules, settings)


def configure_and_apply(server, mode, default_group, rules=(), settings=None):
    """Sets the classifier (no labels) and optional settings, then applies; returns the apply
    answer."""
    st, _, body = server.api("PUT", "/api/classifier/config", {
        "mode": mode, "default_group": default_group, "rules": list(rules),
        "classifier": {"type": "embedded", "threshold": 0.5, "labels": []}})
    assert st == 200, body
    if settings:
        st, _, body = server.api("PUT", "/api/settings", settings)
        assert st == 200, body
    st, _, body = server.api("POST", "/api/apply")
    assert st == 200, body
    return body


def chi_square(observed, expected):
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected))
