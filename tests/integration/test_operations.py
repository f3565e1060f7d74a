"""Ops endpoints, the access log, the console host, persistence across restarts, subcommands."""
import json
import os
import subprocess

import pytest

import harness
from harness import request


def test_health_ready_metrics(server, fakes):
    assert request(server.port, "GET", "/healthz")[0] == 200
    st, _, body = request(server.port, "GET", "/readyz")
    assert st == 503 and body["config_loaded"] is False
    harness.setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    assert request(server.port, "GET", "/readyz")[0] == 200
    server.chat("general")
    st, h, text = request(server.port, "GET", "/metrics")
    assert st == 200 and h["content-type"].startswith("text/plain")
    assert "# TYPE sparouter_requests_total counter" in text
    assert 'group="general"' in text
    assert "sparouter_request_duration_seconds_bucket" in text


def test_access_log_is_json_without_secrets(server, fakes):
    harness.setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    server.chat("general", "TOP SECRET PROMPT TEXT")
    server.api("GET", "/api/providers?x=1")
    # Each line is written after its answer, and the two requests may run on different threads:
    # wait for both rather than take one as a sign of the other.
    server.wait_for_output('"path":"/v1/chat/completions"')
    server.wait_for_output('"path":"/api/providers","status":200')
    lines = [json.loads(l) for l in server.output().splitlines() if l.startswith("{")]
    chats = [l for l in lines if l["path"] == "/v1/chat/completions"]
    assert chats and chats[-1]["group"] == "general" and chats[-1]["attempts"] == 1
    assert chats[-1]["status"] == 200 and chats[-1]["deployment"]
    log = server.output()
    for secret in ("TOP SECRET", "SECRETKEY", harness.ADMIN_TOKEN, "x=1"):
        assert secret not in log


def test_console_is_served_with_spa_fallback(tmp_path):
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html><title>console</title>")
    (web / "assets" / "app-1234.js").write_text("console.log(1)")
    s = harness.Server(str(tmp_path), WEB_DIR=str(web))
    try:
        for path in ("/", "/providers", "/routing", "/classifier", "/generate", "/playground"):
            st, h, body = request(s.port, "GET", path)
            assert st == 200 and "console" in body, path
            assert h["content-type"].startswith("text/html") and h["cache-control"] == "no-cache"
        st, h, _ = request(s.port, "GET", "/assets/app-1234.js")
        assert st == 200 and h["content-type"].startswith("text/javascript")
        assert "immutable" in h["cache-control"]
        assert request(s.port, "GET", "/assets/missing.js")[0] == 404
        # Paths at or under /assets are never client routes: 404, not index.html.
        for path in ("/assets", "/assets/", "/assets/app-1234.js/"):
            assert request(s.port, "GET", path)[0] == 404, path
        assert request(s.port, "GET", "/../etc/passwd")[0] == 404
        st, h, _ = request(s.port, "GET", "/", headers={"If-None-Match": h.get("etag", "")})
    finally:
        s.stop()
    s = harness.Server(str(tmp_path), ["--no-console"], WEB_DIR=str(web))
    try:
        assert request(s.port, "GET", "/providers")[0] == 404
    finally:
        s.stop()


@pytest.mark.parametrize("mode", ["file", "sqlite"])
def test_state_and_config_survive_a_restart(tmp_path, fakes, mode):
    s = harness.Server(str(tmp_path), STORAGE_MODE=mode)
    try:
        harness.setup_routing(s, fakes, {"general": [(0, 1, 0)]})
        assert s.chat("general")[0] == 200
    finally:
        assert s.stop() == 0
    s = harness.Server(str(tmp_path), STORAGE_MODE=mode)
    try:
        st, _, body = s.api("GET", "/api/providers")
        assert [p["id"] for p in body["providers"]] == ["p0", "p1", "p2"]
        st, h, body = s.chat("general")  # served at start, keys opened again
        assert st == 200, body
        assert fakes[0].stats()["last_authorization_present"] is True
    finally:
        s.stop()


def test_stored_state_never_applied_is_applied_at_start(tmp_path, fakes):
    s = harness.Server(str(tmp_path))
    try:
        s.api("POST", "/api/providers", {"id": "p0", "name": "A", "kind": "openai_compatible",
                                         "base_url": fakes[0].base_url})
        s.api("POST", "/api/routing/groups", {"name": "general"})
        s.api("POST", "/api/routing/groups/general/deployments",
              {"provider_id": "p0", "model": "m"})
        s.api("PUT", "/api/classifier/config", {"mode": "rules_only", "default_group": "general",
                                                "rules": []})
        assert s.chat("general")[0] == 503
    finally:
        s.stop()
    s = harness.Server(str(tmp_path))
    try:
        assert s.chat("general")[0] == 200
    finally:
        s.stop()


def test_wrong_app_secret_stops_the_process(tmp_path):
    s = harness.Server(str(tmp_path))
    s.api("POST", "/api/providers", {"name": "A", "kind": "openai",
                                     "base_url": "https://api.openai.com/v1", "api_key": "sk-1"})
    s.stop()
    env = harness.server_env(str(tmp_path), APP_SECRET="another-secret-0123456789")
    r = subprocess.run([harness.SERVER_BIN], env=env, cwd=str(tmp_path), capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 1
    assert "APP_SECRET" in r.stderr


@pytest.mark.parametrize("given, expected", [
    (None, "glibc.malloc.tcache_count=256"),
    ("glibc.malloc.arena_max=4", "glibc.malloc.arena_max=4:glibc.malloc.tcache_count=256"),
    ("glibc.malloc.tcache_count=32", "glibc.malloc.tcache_count=32"),
])
def test_the_server_restarts_itself_with_malloc_tuning(tmp_path, given, expected):
    # glibc reads GLIBC_TUNABLES only at start: the process the test started (the same pid,
    # whose stdout the test reads) must be serving with the tuned value.
    s = harness.Server(str(tmp_path), GLIBC_TUNABLES=given)
    try:
        s.wait_for_output("  malloc: GLIBC_TUNABLES=%s\n" % expected)
        assert request(s.port, "GET", "/healthz")[0] == 200
        assert "GLIBC_TUNABLES" not in s.errors()  # no failed restart
    finally:
        s.stop()


def test_malloc_tuning_off_keeps_glibc_defaults(tmp_path):
    s = harness.Server(str(tmp_path), GLIBC_TUNABLES=None, MALLOC_TUNING="off")
    try:
        s.wait_for_output("  malloc: glibc's defaults\n")
    finally:
        s.stop()


def run_cmd(tmp_path, *args, **extra):
    env = harness.server_env(str(tmp_path), **extra)
    return subprocess.run([harness.SERVER_BIN, *args], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=30)


def test_subcommands(tmp_path, fakes):
    s = harness.Server(str(tmp_path))
    try:
        harness.setup_routing(s, fakes, {"general": [(0, 1, 0)]})
    finally:
        s.stop()
    for cmd in ("serve", "generate", "check-config", "rotate-secret", "export", "import"):
        r = run_cmd(tmp_path, cmd, "--help")
        assert r.returncode == 0 and cmd in r.stdout
    out = tmp_path / "gen"
    r = run_cmd(tmp_path, "generate", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "litellm" / "config.yaml").exists()
    r = run_cmd(tmp_path, "check-config", str(out))
    assert r.returncode == 0, r.stderr
    (out / "router" / "rules.json").write_text("{broken")
    r = run_cmd(tmp_path, "check-config", str(out))
    assert r.returncode == 1 and "rules.json" in r.stderr
    r = run_cmd(tmp_path, "export", "--out", str(tmp_path / "export.json"))
    assert r.returncode == 0, r.stderr
    assert "SECRETKEY" not in (tmp_path / "export.json").read_text()
    # Rotate, then the old secret is refused and the new one opens the keys.
    r = run_cmd(tmp_path, "rotate-secret", "--from-env", "NEW_SECRET",
                NEW_SECRET="rotated-secret-0123456789")
    assert r.returncode == 0, r.stderr
    r = subprocess.run([harness.SERVER_BIN], env=harness.server_env(str(tmp_path)),
                       cwd=str(tmp_path), capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    s = harness.Server(str(tmp_path), APP_SECRET="rotated-secret-0123456789")
    try:
        assert s.chat("general")[0] == 200
        assert fakes[0].stats()["last_authorization_present"] is True
    finally:
        s.stop()
    # Import into a SQLite store (same secret as the export).
    r = run_cmd(tmp_path, "import", str(tmp_path / "export.json"), STORAGE_MODE="sqlite")
    assert r.returncode == 0, r.stderr
