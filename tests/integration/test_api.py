"""The admin API and the conventions every answer follows (auth, errors, ids, CORS, secrets)."""
import json
import os
import socket

import harness
from harness import request


def test_admin_needs_the_token(server):
    st, _, body = server.api("GET", "/api/providers", token=None)
    assert st == 401 and body["error"]["type"] == "authentication_error"
    st, _, body = server.api("GET", "/api/providers", token="wrong")
    assert st == 401
    st, _, body = server.api("GET", "/api/providers")
    assert st == 200 and body == {"providers": []}


def test_admin_auth_apply_only_guards_apply(tmp_path):
    s = harness.Server(str(tmp_path), ADMIN_AUTH="apply")
    try:
        assert s.api("GET", "/api/providers", token=None)[0] == 200
        assert s.api("POST", "/api/apply", token=None)[0] == 401
    finally:
        s.stop()


def test_router_api_keys_guard_v1(tmp_path):
    s = harness.Server(str(tmp_path), ROUTER_API_KEYS="k1,k2")
    try:
        assert s.chat("auto")[0] == 401
        st, _, _ = s.chat("auto", headers={"Authorization": "Bearer k2"})
        assert st == 503  # authorised, nothing applied yet
    finally:
        s.stop()


def test_generated_admin_token_is_printed_once_and_works(tmp_path):
    env_token = harness.ADMIN_TOKEN
    s = harness.Server.__new__(harness.Server)
    env = harness.server_env(str(tmp_path))
    del env["ADMIN_TOKEN"]
    harness.Process.__init__(s, [harness.SERVER_BIN, "--env-file", "/nonexistent.env"], env,
                             cwd=str(tmp_path))
    try:
        s.wait_for_output("admin token")
        lines = [l for l in s.output().splitlines() if "admin token" in l]
        assert len(lines) == 1
        token = lines[0].rsplit(" ", 1)[1]
        assert token != env_token
        assert s.api("GET", "/api/providers", token=token)[0] == 200
        for _ in range(3):
            s.api("GET", "/api/providers", token=token)
        assert s.output().count(token) == 1  # never in the access log
    finally:
        s.stop()


def test_provider_key_is_never_returned(server):
    st, _, body = server.api("POST", "/api/providers", {
        "name": "Main", "kind": "openai", "base_url": "https://api.openai.com/v1",
        "api_key": "sk-live-THISISSECRET-a1b2"})
    assert st == 201, body
    assert body["has_api_key"] is True and "THISISSECRET" not in json.dumps(body)
    assert body["api_key_masked"].endswith("a1b2")
    st, _, body = server.api("GET", "/api/providers")
    assert "THISISSECRET" not in json.dumps(body)
    state = open(server.env["STATE_FILE"]).read()
    assert "THISISSECRET" not in state
    assert "THISISSECRET" not in server.output() + server.errors()


def test_validation_errors_name_the_field(server):
    st, _, body = server.api("POST", "/api/providers",
                             {"name": "x", "kind": "openai", "base_url": "ftp://nope"})
    assert st == 400
    assert body["error"]["param"] == "base_url"
    assert body["error"]["type"] == "invalid_request_error"
    st, _, body = request(server.port, "POST", "/api/providers", raw=b"{not json",
                          headers={"Content-Type": "application/json",
                                   "X-Admin-Token": harness.ADMIN_TOKEN})
    assert st == 400
    st, _, body = request(server.port, "POST", "/api/providers", raw=b"{}",
                          headers={"Content-Type": "text/plain",
                                   "X-Admin-Token": harness.ADMIN_TOKEN})
    assert st == 415


def test_chat_errors_use_the_error_object(server, fakes):
    st, _, body = server.chat("general")
    assert st == 503 and body["error"]["code"]  # nothing applied yet
    harness.setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    st, _, body = request(server.port, "POST", "/v1/chat/completions", raw=b"{oops",
                          headers={"Content-Type": "application/json"})
    assert st == 400 and body["error"]["type"] == "invalid_request_error"
    st, _, body = request(server.port, "GET", "/v1/nothing")
    assert st == 404 and "error" in body
    st, _, body = request(server.port, "POST", "/v1/chat/completions", raw=b"{}",
                          headers={"Content-Type": "text/plain"})
    assert st == 415
    st, _, body = request(server.port, "GET", "/v1/chat/completions")
    assert st == 405
    # As OpenAI: a chat needs at least one message.
    st, _, body = request(server.port, "POST", "/v1/chat/completions",
                          raw=b'{"model":"general","messages":[]}',
                          headers={"Content-Type": "application/json"})
    assert st == 400 and body["error"]["param"] == "messages", body


def raw_exchange(port, data):
    """Sends `data` on a fresh connection; everything the server writes until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return lines[0], headers, body


def test_requests_the_parser_refuses_get_the_error_object(server):
    # Over the 8 MiB limit, known from the head: answered before any of the body is sent.
    status, h, body = raw_exchange(server.port, b"POST /v1/chat/completions HTTP/1.1\r\n"
                                   b"Host: x\r\nContent-Type: application/json\r\n"
                                   b"x-request-id: big-1\r\nContent-Length: 9000000\r\n\r\n")
    assert status.startswith("HTTP/1.1 413 ")
    assert h["x-request-id"] == "big-1" and h["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "body_too_large"
    # Not HTTP at all.
    status, h, body = raw_exchange(server.port, b"\x16\x03\x01 hello\r\n\r\n")
    assert status.startswith("HTTP/1.1 400 ")
    assert h["x-request-id"] and json.loads(body)["error"]["code"] == "invalid_http"


def test_request_id_is_echoed_or_made(server):
    _, h, _ = request(server.port, "GET", "/healthz", headers={"x-request-id": "abc-123"})
    assert h["x-request-id"] == "abc-123"
    _, h, _ = request(server.port, "GET", "/healthz")
    assert len(h["x-request-id"]) >= 8
    _, h, _ = server.api("GET", "/api/providers")
    assert "x-request-id" in h


def test_cors_only_for_listed_origins(tmp_path):
    s = harness.Server(str(tmp_path), CORS_ORIGINS="https://console.example")
    try:
        st, h, _ = request(s.port, "OPTIONS", "/api/providers",
                           headers={"Origin": "https://console.example",
                                    "Access-Control-Request-Method": "GET",
                                    "Access-Control-Request-Headers": "x-admin-token"})
        assert st == 204
        assert h["access-control-allow-origin"] == "https://console.example"
        assert "x-admin-token" in h["access-control-allow-headers"]
        # Headers a newer SDK adds are granted to an allowed origin; junk gets the fixed list.
        asked = "authorization, content-type, x-stainless-helper-method, openai-beta"
        st, h, _ = request(s.port, "OPTIONS", "/v1/chat/completions",
                           headers={"Origin": "https://console.example",
                                    "Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": asked})
        assert st == 204 and h["access-control-allow-headers"] == asked
        assert "Access-Control-Request-Headers" in h["vary"]
        st, h, _ = request(s.port, "OPTIONS", "/v1/chat/completions",
                           headers={"Origin": "https://console.example",
                                    "Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": "x-a;b=c"})
        assert st == 204 and "x-admin-token" in h["access-control-allow-headers"]
        st, h, body = request(s.port, "OPTIONS", "/api/providers",
                              headers={"Origin": "https://evil.example",
                                       "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in h
        assert st == 403 and body["error"]["code"] == "origin_not_allowed"
        _, h, _ = s.api("GET", "/api/providers", headers={"Origin": "https://console.example"})
        assert "x-sparouter-group" in h["access-control-expose-headers"]
    finally:
        s.stop()


def test_parser_refusals_carry_cors_for_listed_origins(tmp_path):
    # A console on another origin must be able to read the 413, not see a network error.
    s = harness.Server(str(tmp_path), CORS_ORIGINS="https://console.example")
    try:
        head = (b"POST /api/providers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 9000000\r\nOrigin: ")
        status, h, _ = raw_exchange(s.port, head + b"https://console.example\r\n\r\n")
        assert status.startswith("HTTP/1.1 413 ")
        assert h["access-control-allow-origin"] == "https://console.example"
        assert "x-request-id" in h["access-control-expose-headers"]
        status, h, _ = raw_exchange(s.port, head + b"https://evil.example\r\n\r\n")
        assert status.startswith("HTTP/1.1 413 ") and "access-control-allow-origin" not in h
    finally:
        s.stop()


def test_status_reports_draft_and_active(server, fakes):
    harness.setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    st, _, body = server.api("GET", "/api/status")
    assert st == 200
    assert body["draft_differs"] is False
    server.api("POST", "/api/routing/groups", {"name": "other"})
    assert server.api("GET", "/api/status")[2]["draft_differs"] is True


def test_apply_writes_config_dir(server, fakes):
    applied = harness.setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    current = os.path.join(server.env["CONFIG_DIR"], "current")
    for f in ("litellm/config.yaml", "router/rules.json", "router/settings.json"):
        text = open(os.path.join(current, f)).read()
        assert "SECRETKEY" not in text
    assert applied["version"]
    st, _, gen = server.api("POST", "/api/generate")
    assert st == 200 and gen["version"] == applied["version"]
    st, _, active = server.api("GET", "/api/generate/active")
    assert st == 200 and active["version"] == applied["version"]
    assert active["files"] == gen["files"]
    assert server.api("GET", "/api/status")[2]["active_version"] == applied["version"]
