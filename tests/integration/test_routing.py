"""Routing through the real server to real fake upstreams: weights, tiers, fallback, cooldown,
streaming, rules."""
import http.client
import json
import threading
import time

import harness
from harness import chi_square, setup_routing


def deployments_of(server, group):
    st, _, body = server.api("GET", "/api/routing/groups")
    assert st == 200
    return [d["id"] for g in body["groups"] if g["name"] == group for d in g["deployments"]]


def test_weights_follow_a_chi_square_test(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 3, 0)]})
    ids = deployments_of(server, "general")
    counts = {i: 0 for i in ids}
    n = 400
    for _ in range(n):
        st, h, body = server.chat("general")
        assert st == 200, body
        counts[h["x-sparouter-deployment"]] += 1
    observed = [counts[ids[0]], counts[ids[1]]]
    # p = 0.001 with one degree of freedom: 10.83.
    assert chi_square(observed, [n / 4, 3 * n / 4]) < 10.83, observed


def test_lower_priority_tier_serves_while_healthy(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 5, 1)]})
    first = deployments_of(server, "general")[0]
    for _ in range(30):
        st, h, _ = server.chat("general")
        assert st == 200
        assert h["x-sparouter-deployment"] == first
        assert h["x-sparouter-group"] == "general"
        assert h["x-sparouter-route-source"] == "explicit"
        assert h["x-sparouter-attempts"] == "1"


def _fallback_case(server, fakes, **fault):
    setup_routing(server, fakes, {"general": [(0, 1, 0, 500), (1, 1, 1)]})
    primary, secondary = deployments_of(server, "general")
    fakes[0].faults(times=1, **fault)
    st, h, body = server.chat("general")
    assert st == 200, body
    assert h["x-sparouter-deployment"] == secondary
    assert h["x-sparouter-attempts"] == "2"
    assert "Hello from b" in body["choices"][0]["message"]["content"]
    return primary, secondary


def test_fallback_on_500(server, fakes):
    _fallback_case(server, fakes, status=500)


def test_fallback_on_timeout(server, fakes):
    _fallback_case(server, fakes, status=200, delay_ms=2000)


def test_fallback_on_connection_reset(server, fakes):
    _fallback_case(server, fakes, reset=True)


def test_429_with_retry_after_cools_the_deployment(server, fakes):
    primary, secondary = _fallback_case(server, fakes, status=429, retry_after_s=30)
    before = fakes[0].stats()["chat_requests"]
    for _ in range(5):
        st, h, _ = server.chat("general")
        assert st == 200
        assert h["x-sparouter-deployment"] == secondary
    assert fakes[0].stats()["chat_requests"] == before  # skipped while cooling
    _, _, metrics = harness.request(server.port, "GET", "/metrics")
    assert 'sparouter_deployment_cooling{deployment="%s"} 1' % primary in metrics


def test_repeated_failures_start_a_cooldown(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 1, 1)]},
                  settings={"allowed_fails": 2, "cooldown_s": 60})
    primary, secondary = deployments_of(server, "general")
    fakes[0].faults(times=100, status=503)
    for _ in range(2):
        st, h, _ = server.chat("general")
        assert st == 200 and h["x-sparouter-attempts"] == "2"
    seen = fakes[0].stats()["chat_requests"]
    for _ in range(5):
        st, h, _ = server.chat("general")
        assert st == 200 and h["x-sparouter-attempts"] == "1"
        assert h["x-sparouter-deployment"] == secondary
    assert fakes[0].stats()["chat_requests"] == seen


def test_group_fallbacks_in_order(server, fakes):
    setup_routing(server, fakes, {"code": ([(0, 1, 0)], ["general"]),
                                  "general": [(2, 1, 0)]},
                  settings={"num_retries": 0})
    fakes[0].faults(times=1, status=502)
    st, h, body = server.chat("code")
    assert st == 200, body
    assert h["x-sparouter-group"] == "code"
    assert h["x-sparouter-deployment"] == deployments_of(server, "general")[0]
    assert "Hello from c" in body["choices"][0]["message"]["content"]


def test_every_deployment_failing_is_a_502_listing_attempts(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 1, 0)]})
    fakes[0].faults(times=5, status=500)
    fakes[1].faults(times=5, status=500)
    st, h, body = server.chat("general")
    assert st == 502
    assert body["error"]["type"] == "upstream_error"
    assert body["error"]["message"].startswith("all 2 attempts failed:")
    assert [a["status"] for a in body["error"]["attempts"]] == [500, 500]
    assert "SECRETKEY" not in json.dumps(body)


def test_not_retryable_4xx_passes_through(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 1, 1)]})
    fakes[0].faults(times=1, status=400)
    st, h, _ = server.chat("general")
    assert st == 400
    assert fakes[1].stats()["chat_requests"] == 0


def test_unknown_group_is_model_not_found(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    st, _, body = server.chat("nope")
    assert st == 404
    assert body["error"]["code"] == "model_not_found"


def test_rules_route_auto_requests(server, fakes):
    rule = {"id": "code-rule", "enabled": True, "target_group": "code",
            "match": {"keywords_any": ["segfault", "stack trace"], "scope": "last_user"}}
    setup_routing(server, fakes, {"general": [(0, 1, 0)], "code": [(1, 1, 0)]},
                  rules=[rule], default_group="general")
    st, h, _ = server.chat("auto", "Why does this Segfault happen?")
    assert st == 200
    assert h["x-sparouter-group"] == "code" and h["x-sparouter-route-source"] == "rule"
    st, h, _ = server.chat("auto", "write a poem")
    assert h["x-sparouter-group"] == "general" and h["x-sparouter-route-source"] == "default"
    # The provider saw its own model name and the key, the client's "auto" never.
    stats = fakes[1].stats()
    assert "code-m0" in stats["models_seen"]
    assert stats["last_authorization_present"] is True


def test_streaming_passes_chunks_through(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0)]})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    body = {"model": "general", "stream": True,
            "messages": [{"role": "user", "content": "hi"}]}
    conn.request("POST", "/v1/chat/completions", json.dumps(body),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("content-type").startswith("text/event-stream")
    assert resp.getheader("x-sparouter-deployment")
    events = []
    arrivals = []
    while True:
        line = resp.fp.readline()
        if not line:
            break
        line = line.decode()
        if line.startswith("data: "):
            events.append(line[6:].strip())
            arrivals.append(time.monotonic())
            if events[-1] == "[DONE]":
                break
    conn.close()
    assert events[-1] == "[DONE]"
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content", "") or ""
                   for e in events[:-1])
    assert "Hello from a" in text
    # Chunks arrive spread out (the fake waits 20 ms between them), not in one buffered piece.
    assert arrivals[-1] - arrivals[0] > 0.03


def test_no_fallback_after_the_first_byte(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 1, 1)]})
    fakes[0].faults(times=1, status=200, stall_ms=100)
    st, h, text = server.chat("general", stream=True)
    assert st == 200
    assert h["x-sparouter-deployment"] == deployments_of(server, "general")[0]
    assert fakes[1].stats()["chat_requests"] == 0


def test_apply_during_load_fails_no_request(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0), (1, 1, 0)]})
    failures = []
    done = threading.Event()

    def load():
        while not done.is_set():
            st, _, body = server.chat("general")
            if st != 200:
                failures.append((st, body))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    weights = [1, 2, 3, 4, 5, 6, 7, 8]
    dep = deployments_of(server, "general")[0]
    for w in weights:
        st, _, body = server.api("PUT", "/api/routing/deployments/%s" % dep, {"weight": w})
        assert st == 200, body
        st, _, body = server.api("POST", "/api/apply")
        assert st == 200, body
    done.set()
    for t in threads:
        t.join()
    assert failures == []


def test_models_lists_groups_and_auto(server, fakes):
    setup_routing(server, fakes, {"general": [(0, 1, 0)], "code": [(1, 1, 0)]})
    st, _, body = harness.request(server.port, "GET", "/v1/models")
    assert st == 200
    ids = {m["id"] for m in body["data"]}
    assert {"general", "code", "auto"} <= ids
    # One model, as OpenAI's GET /v1/models/{model} (the SDKs' models.retrieve()).
    st, _, body = harness.request(server.port, "GET", "/v1/models/code")
    assert st == 200, body
    assert body == {"id": "code", "object": "model", "created": 0, "owned_by": "sparouter"}
    st, _, body = harness.request(server.port, "GET", "/v1/models/auto")
    assert st == 200 and body["id"] == "auto"
    st, _, body = harness.request(server.port, "GET", "/v1/models/nope")
    assert st == 404 and body["error"]["code"] == "model_not_found", body
    st, headers, body = harness.request(server.port, "DELETE", "/v1/models/code")
    assert st == 405, body
    assert headers["allow"] == "GET, HEAD", headers  # HEAD is answered too


def test_llm_classifier_routes_and_the_test_bench_asks_it_too(server, fakes):
    # fakes[2] plays the judge; its answer picks the label.
    setup_routing(server, fakes, {"general": [(0, 1, 0)], "code": [(1, 1, 0)],
                                  "judges": [(2, 1, 0)]})
    st, _, body = server.api("PUT", "/api/classifier/config", {
        "mode": "classifier_only", "default_group": "general", "rules": [],
        "classifier": {"type": "llm", "threshold": 0.5,
                       "labels": [{"group": "general", "examples": ["hello there"]},
                                  {"group": "code", "examples": ["fix my loop"]}],
                       "llm": {"group": "judges", "prompt": "pick one", "timeout_ms": 3000}}})
    assert st == 200, body
    st, _, body = server.api("POST", "/api/apply")
    assert st == 200, body
    fakes[2].faults(content='{"group": "code", "confidence": 0.9}', times=2)
    st, headers, body = server.chat("auto", "my loop never ends")
    assert st == 200 and headers["x-sparouter-group"] == "code", (headers, body)
    # API.md: the bench answers a group; with the llm classifier its model is asked, and the
    # time it took is part of the decision's latency.
    fakes[2].faults(content='{"group": "code", "confidence": 0.9}', delay_ms=150, times=1)
    st, _, body = server.api("POST", "/api/classifier/test", {"text": "my loop never ends"})
    assert st == 200, body
    assert body["group"] == "code" and body["source"] == "classifier", body
    assert "judge_pending" not in body
    assert body["latency_us"] >= 150000, body
    # A judge that fails: the default group, as for a chat.
    fakes[2].faults(status=500)
    st, _, body = server.api("POST", "/api/classifier/test", {"text": "my loop never ends"})
    assert st == 200 and body["group"] == "general" and body["source"] == "default", body
