"""Gemini deployments end to end in direct mode: the real server translating OpenAI chat requests
for the fake's generateContent and streamGenerateContent routes (which check the key header and
the request as the real API does) and their answers back, with fallback and refusals. Streamed
usage follows OpenAI's stream_options for Gemini and Anthropic deployments alike."""
import http.client
import json
import time

import pytest

import harness

MODEL = "gemini-2.5-flash"


class GeminiFake(harness.Fake):
    """A fake upstream used as a Gemini provider: its base URL is the bare origin, as
    https://generativelanguage.googleapis.com is; it wants the provider's key."""

    def __init__(self, name, chunk_delay_ms=20):
        super().__init__(name, chunk_delay_ms=chunk_delay_ms, api_key=key_of(name))

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def last_request(self):
        """What the fake last received: {"method", "target", "headers": [[name, value]], "body"}."""
        st, _, body = harness.request(self.port, "GET", "/_fake/last_request")
        assert st == 200
        return body


def key_of(name):
    return "gm-test-%s-SECRETKEY" % name


def headers_named(recorded, name):
    return [v for k, v in recorded["headers"] if k.lower() == name]


@pytest.fixture
def gemini():
    started = [GeminiFake(n) for n in ("g", "h")]
    yield started
    for f in started:
        f.stop()


def setup_gemini(server, providers, deployments, settings=None):
    """providers: [(id, kind, base_url, key)]; deployments of group "gem": [(provider id, model,
    priority, timeout_ms or None)], in tiers by priority. Applies; returns the deployment ids."""
    for pid, kind, base_url, key in providers:
        st, _, body = server.api("POST", "/api/providers", {
            "id": pid, "name": "Provider %s" % pid, "kind": kind, "base_url": base_url,
            "api_key": key})
        assert st == 201, body
    st, _, body = server.api("POST", "/api/routing/groups", {"name": "gem", "fallbacks": []})
    assert st == 201, body
    ids = []
    for pid, model, priority, timeout_ms in deployments:
        dep = {"provider_id": pid, "model": model, "weight": 1, "priority": priority}
        if timeout_ms:
            dep["timeout_ms"] = timeout_ms
        st, _, body = server.api("POST", "/api/routing/groups/gem/deployments", dep)
        assert st == 201, body
        ids.append(body["id"])
    harness.configure_and_apply(server, "rules_only", "gem", settings=settings)
    return ids


def one_gemini(server, fake, base_url=None):
    return setup_gemini(server, [("gm", "gemini", base_url or fake.origin, key_of(fake.name))],
                        [("gm", MODEL, 0, None)])[0]


def two_gemini(server, fakes, primary_timeout_ms=None):
    """Group "gem": fakes[0] first, fakes[1] (the next tier) to fall back on."""
    return setup_gemini(
        server, [("gm%d" % i, "gemini", f.origin, key_of(f.name)) for i, f in enumerate(fakes)],
        [("gm0", MODEL, 0, primary_timeout_ms), ("gm1", "gemini-2.0-flash", 1, None)])


def chat_body(text="hello", stream=False, **extra):
    body = {"model": "gem", "messages": [{"role": "user", "content": text}], **extra}
    if stream:
        body["stream"] = True
    return body


def post_chat(server, body):
    return harness.request(server.port, "POST", "/v1/chat/completions", body)


def stream_chat(server, body):
    """Streams a chat request: (status, headers, [(data, arrival time)]), reading until the
    server ends the answer."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/v1/chat/completions", json.dumps(body),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    headers = {k.lower(): v for k, v in resp.getheaders()}
    events = []
    while True:
        line = resp.readline()  # de-chunked: b"" once the server ends the answer
        if not line:
            break
        line = line.decode()
        if line.startswith("data: "):
            events.append((line[6:].strip(), time.monotonic()))
            if events[-1][0] == "[DONE]":
                break
    conn.close()
    return resp.status, headers, events


def test_whole_answer_is_a_chat_completion(server, gemini):
    dep = one_gemini(server, gemini[0])
    st, h, body = post_chat(server, {
        "model": "gem", "max_tokens": 20, "temperature": 0.5,
        "messages": [{"role": "system", "content": "be brief"},
                     {"role": "user", "content": "hi"}]})
    assert st == 200, body
    assert h["content-type"].startswith("application/json")
    assert h["x-sparouter-provider"] == "gm"
    assert h["x-sparouter-deployment"] == dep
    assert h["x-sparouter-attempts"] == "1"
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert isinstance(body["created"], int)
    assert body["model"] == MODEL
    [choice] = body["choices"]
    assert choice["index"] == 0
    assert choice["message"] == {"role": "assistant",
                                 "content": "Hello from g (model %s)" % MODEL}
    assert choice["finish_reason"] == "stop"
    assert body["usage"] == {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}

    seen = gemini[0].last_request()
    assert seen["method"] == "POST"
    assert seen["target"] == "/v1beta/models/%s:generateContent" % MODEL
    sent = json.loads(seen["body"])
    assert sent == {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "systemInstruction": {"parts": [{"text": "be brief"}]},
        "generationConfig": {"temperature": 0.5, "maxOutputTokens": 20}}


def test_conversation_and_options_reach_gemini_as_it_wants_them(server, gemini):
    one_gemini(server, gemini[0])
    st, _, body = post_chat(server, {
        "model": "gem", "stop": ["END"], "top_p": 0.9, "max_completion_tokens": 50, "seed": 7,
        "user": "someone", "stream_options": {"include_usage": True}, "reasoning_effort": "low",
        "messages": [{"role": "user", "content": "Hi"},
                     {"role": "assistant", "content": "Hello, how can I help?"},
                     {"role": "user", "content": [{"type": "text", "text": "Tell me more"}]}]})
    assert st == 200, body
    sent = json.loads(gemini[0].last_request()["body"])
    assert [c["role"] for c in sent["contents"]] == ["user", "model", "user"]
    assert sent["contents"][1]["parts"] == [{"text": "Hello, how can I help?"}]
    assert sent["contents"][2]["parts"] == [{"text": "Tell me more"}]
    thinking = ({"thinkingLevel": "low"} if MODEL.startswith("gemini-3")
                else {"thinkingBudget": 1024})
    assert sent["generationConfig"] == {"topP": 0.9, "seed": 7, "maxOutputTokens": 50,
                                        "stopSequences": ["END"], "thinkingConfig": thinking}


def test_tool_calls_round_trip(server, gemini):
    one_gemini(server, gemini[0])
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}}]
    st, _, body = post_chat(server, {
        "model": "gem", "tools": tools, "tool_choice": "auto",
        "messages": [{"role": "user", "content": "Weather in Paris?"},
                     {"role": "assistant", "content": None, "tool_calls": [
                         {"id": "call_1", "type": "function",
                          "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                     {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp_c\": 21}"}]})
    assert st == 200, body  # the fake refuses any part Gemini would refuse
    sent = json.loads(gemini[0].last_request()["body"])
    assert sent["contents"][1] == {"role": "model", "parts": [
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]}
    assert sent["contents"][2] == {"role": "user", "parts": [
        {"functionResponse": {"name": "get_weather", "response": {"temp_c": 21}}}]}
    assert sent["tools"] == [{"functionDeclarations": [{
        "name": "get_weather", "description": "Weather of a city",
        "parametersJsonSchema": tools[0]["function"]["parameters"]}]}]
    assert sent["toolConfig"] == {"functionCallingConfig": {"mode": "AUTO"}}


def test_streamed_answer_is_chunks_then_done(server, gemini):
    dep = one_gemini(server, gemini[0])
    st, h, events = stream_chat(server, chat_body("hi", stream=True))
    assert st == 200
    assert h["content-type"].startswith("text/event-stream")
    assert h["x-sparouter-deployment"] == dep
    assert gemini[0].last_request()["target"] == (
        "/v1beta/models/%s:streamGenerateContent?alt=sse" % MODEL)
    assert events[-1][0] == "[DONE]"
    chunks = [json.loads(data) for data, _ in events[:-1]]
    assert len(chunks) >= 3
    for c in chunks:
        assert c["object"] == "chat.completion.chunk"
        assert c["id"] == chunks[0]["id"] and c["id"].startswith("chatcmpl-")
        assert c["model"] == MODEL
        assert len(c["choices"]) == 1 and c["choices"][0]["index"] == 0
    assert chunks[0]["choices"][0]["delta"].get("role") == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "Hello from g (model %s)" % MODEL
    assert [c["choices"][0]["finish_reason"] for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert not any("usage" in c for c in chunks)  # the client did not ask for it
    # Chunks arrive as the fake sends them (20 ms apart), not buffered into one piece.
    assert events[-1][1] - events[0][1] > 0.05
    assert gemini[0].stats()["streams_completed"] == 1


@pytest.mark.parametrize("include_usage", [True, False, None], ids=["usage", "no-usage", "absent"])
@pytest.mark.parametrize("kind, model", [("gemini", MODEL), ("anthropic", "claude-x")])
def test_stream_usage_follows_openai_s_stream_options(server, gemini, kind, model, include_usage):
    """OpenAI's contract: with stream_options.include_usage every chunk has "usage": null, and
    one more chunk, with "choices": [] and the whole usage, comes just before [DONE]; without it
    no chunk has a usage field. Both fakes report 3 prompt and 5 completion tokens."""
    setup_gemini(server, [("p", kind, gemini[0].origin, key_of("g"))], [("p", model, 0, None)])
    extra = {} if include_usage is None else {"stream_options": {"include_usage": include_usage}}
    st, _, events = stream_chat(server, chat_body("hi", stream=True, **extra))
    assert st == 200
    datas = [d for d, _ in events]
    assert datas[-1] == "[DONE]"
    chunks = [json.loads(d) for d in datas[:-1]]
    content = chunks[:-1] if include_usage else chunks
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in content)
    assert text == "Hello from g (model %s)" % model
    assert content[-1]["choices"][0]["finish_reason"] == "stop"
    if include_usage:
        assert all("usage" in c and c["usage"] is None for c in content)
        usage = chunks[-1]
        assert usage["choices"] == []
        assert usage["usage"] == {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}
        assert usage["object"] == "chat.completion.chunk" and usage["id"] == chunks[0]["id"]
    else:
        assert not any("usage" in c for c in chunks)
    sent = json.loads(gemini[0].last_request()["body"])
    assert "stream_options" not in sent  # neither Messages nor generateContent has it


def test_stream_broken_mid_way_ends_with_an_error_event(server, gemini):
    one_gemini(server, gemini[0])
    gemini[0].faults(times=1, reset_after_chunks=2)
    st, _, events = stream_chat(server, chat_body("hi", stream=True))
    assert st == 200  # the head went out with the first piece: no fallback after that
    datas = [d for d, _ in events]
    assert "[DONE]" not in datas
    text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or ""
                   for d in datas if "choices" in json.loads(d))
    assert text == "Hello from"
    assert "error" in json.loads(datas[-1])


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_key_goes_only_in_x_goog_api_key(server, gemini, stream):
    one_gemini(server, gemini[0])
    if stream:
        st, _, events = stream_chat(server, chat_body("hi", stream=True))
        assert st == 200 and events[-1][0] == "[DONE]"
    else:
        st, _, body = post_chat(server, chat_body("hi"))
        assert st == 200, body
    seen = gemini[0].last_request()
    key = key_of("g")
    assert headers_named(seen, "x-goog-api-key") == [key]
    assert headers_named(seen, "authorization") == []
    assert headers_named(seen, "api-key") == [] and headers_named(seen, "x-api-key") == []
    assert key not in seen["target"] and "key=" not in seen["target"]
    assert key not in seen["body"]
    others = [v for k, v in seen["headers"] if k.lower() != "x-goog-api-key"]
    assert not any(key in v for v in others)


def test_wrong_key_is_gemini_s_400_translated_without_fallback(server, gemini):
    setup_gemini(server, [("gm0", "gemini", gemini[0].origin, "gm-wrong-SECRETKEY"),
                          ("gm1", "gemini", gemini[1].origin, key_of("h"))],
                 [("gm0", MODEL, 0, None), ("gm1", MODEL, 1, None)])
    st, h, body = post_chat(server, chat_body("hi"))
    assert st == 400, body
    assert h["x-sparouter-provider"] == "gm0"
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "invalid_argument"
    assert "API key not valid" in body["error"]["message"]
    assert "SECRETKEY" not in json.dumps(body)
    assert gemini[1].stats()["chat_requests"] == 0


def test_provider_without_a_key_gets_gemini_s_403_translated(server, gemini):
    setup_gemini(server, [("gm", "gemini", gemini[0].origin, "")], [("gm", MODEL, 0, None)])
    st, _, body = post_chat(server, chat_body("hi"))
    assert st == 403, body
    assert body["error"]["type"] == "permission_error"
    assert body["error"]["code"] == "permission_denied"
    assert headers_named(gemini[0].last_request(), "x-goog-api-key") == []


def test_base_url_ending_in_v1beta_is_not_doubled(server, gemini):
    one_gemini(server, gemini[0], base_url=gemini[0].origin + "/v1beta/")
    st, _, body = post_chat(server, chat_body("hi"))
    assert st == 200, body
    assert gemini[0].last_request()["target"] == "/v1beta/models/%s:generateContent" % MODEL


@pytest.mark.parametrize("fault", [
    {"status": 503}, {"status": 429}, {"status": 429, "retry_after_s": 30}, {"status": 500},
    {"reset": True}, {"status": 200, "delay_ms": 3000}],
    ids=["503", "429", "429-retry-after", "500", "reset", "timeout"])
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_failing_gemini_deployment_falls_back_to_the_next(server, gemini, fault, stream):
    primary, secondary = two_gemini(server, gemini, primary_timeout_ms=800)
    gemini[0].faults(times=1, **fault)
    if stream:
        st, h, events = stream_chat(server, chat_body("hi", stream=True))
        assert st == 200
        assert events[-1][0] == "[DONE]"
        text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or ""
                       for d, _ in events[:-1])
    else:
        st, h, body = post_chat(server, chat_body("hi"))
        assert st == 200, body
        text = body["choices"][0]["message"]["content"]
    assert h["x-sparouter-deployment"] == secondary
    assert h["x-sparouter-provider"] == "gm1"
    assert h["x-sparouter-attempts"] == "2"
    assert text == "Hello from h (model gemini-2.0-flash)"
    assert gemini[0].stats()["chat_requests"] == 1
    assert gemini[1].stats()["chat_requests"] == 1


def test_gemini_falls_back_to_an_openai_deployment(server, gemini):
    fallback = harness.Fake("oa")
    try:
        _, secondary = setup_gemini(
            server, [("gm", "gemini", gemini[0].origin, key_of("g")),
                     ("oa", "openai_compatible", fallback.base_url, "sk-oa")],
            [("gm", MODEL, 0, None), ("oa", "gpt-x", 1, None)])
        gemini[0].faults(times=1, status=503)
        st, h, body = post_chat(server, chat_body("hi"))
        assert st == 200, body
        assert h["x-sparouter-deployment"] == secondary
        assert body["choices"][0]["message"]["content"] == "Hello from oa (model gpt-x)"
    finally:
        fallback.stop()


def test_every_gemini_deployment_failing_is_a_502(server, gemini):
    two_gemini(server, gemini)
    gemini[0].faults(times=5, status=503)
    gemini[1].faults(times=5, status=500)
    st, _, body = post_chat(server, chat_body("hi"))
    assert st == 502, body
    assert body["error"]["type"] == "upstream_error"
    assert "SECRETKEY" not in json.dumps(body)


@pytest.mark.parametrize("extra, param", [
    ({"n": 3}, "n"),
    ({"logprobs": True}, "logprobs"),
    ({"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]},
     "messages[0].content[0].image_url"),
    ({"tools": [{"type": "web_search"}]}, "tools[0].type"),
    ({"messages": [{"role": "system", "content": "you are terse"}]}, "messages"),
    ({"messages": [{"role": "user", "content": ""}]}, "messages"),
], ids=["n", "logprobs", "image-url", "tool-type", "system-only", "empty-user"])
def test_requests_gemini_mode_refuses_are_400_before_any_call(server, gemini, extra, param):
    two_gemini(server, gemini)
    st, h, body = post_chat(server, {**chat_body("hi"), **extra})
    assert st == 400, body
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["param"] == param
    assert gemini[0].stats()["chat_requests"] == 0
    assert gemini[1].stats()["chat_requests"] == 0
