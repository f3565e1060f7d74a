import pytest

import sparouter
from sparouter import Router, SparouterError


def chat(text, model="auto", **extra):
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    body.update(extra)
    return body


def test_version():
    assert sparouter.version().count(".") == 2


def test_route_by_rule_walks_the_plan(config):
    router = Router(config, seed=7)
    d = router.route(chat("my python script prints a stack trace", stream=True))
    assert (d.group, d.source, d.stream) == ("code", "rule", True)
    plan = list(d.candidates())
    assert [c.group for c in plan] == ["code", "code", "code", "general"]
    assert {c.deployment_id for c in plan[:2]} == {"code-4o", "code-local"}
    assert plan[2].deployment_id == "code-mini"
    assert plan[0].provider_kind in ("openai", "openai_compatible")
    explain = d.explain()
    assert explain["rule_id"] == "code-words"
    assert explain["candidates"] == [c.deployment_id for c in plan]
    bench = router.classify("my python script prints a stack trace")  # the test bench explains more
    assert bench["source"] == "rule"
    assert {m.lower() for m in bench["matched"]} == {"python", "stack trace"}


def test_model_span_points_into_the_body(config):
    router = Router(config, seed=1)
    body = b'{"messages":[{"role":"user","content":"hi"}], "model" : "general"}'
    d = router.route(body)
    off, n = d.model_span
    assert body[off:off + n] == b'"general"'
    assert d.source == "explicit"


def test_unknown_group_and_bad_config(config):
    router = Router(config, seed=1)
    with pytest.raises(SparouterError) as e:
        router.route(chat("hi", model="gpt-9"))
    assert e.value.code == -2 and e.value.param == "model"
    config["groups"][0]["deployments"][0]["weight"] = -1
    with pytest.raises(SparouterError) as e:
        router.apply(config)
    assert e.value.param == "groups[0].deployments[0].weight"
    with pytest.raises(SparouterError):
        sparouter.check_config(config)


def test_cooldown_with_injected_clock(config):
    now = [10_000]
    router = Router(config, seed=3, clock=lambda: now[0])
    for _ in range(2):  # allowed_fails is 2 in the example
        router.report("general-mini", "http_5xx", 1000)
    state = {h["deployment_id"]: h for h in router.health()}
    assert state["general-mini"]["cooling"] is True
    d = router.route(chat("hello", model="general"))
    assert [c.cooling for c in d.candidates()] == [True]  # still tried: nothing else is left
    now[0] += 5_001
    state = {h["deployment_id"]: h for h in router.health()}
    assert state["general-mini"]["cooling"] is False


def test_classify_text_explains(config):
    router = Router(config, seed=1)
    result = router.classify("what is the capital of france")
    assert result["source"] in ("classifier", "default")
    assert set(result["scores"]) == {"code", "general"}
    assert abs(sum(result["scores"].values()) - 1.0) < 1e-3


def test_unapplied_router_is_unavailable():
    router = Router(seed=1)
    assert router.version is None
    with pytest.raises(SparouterError) as e:
        router.route(chat("hi"))
    assert e.value.code == -7
