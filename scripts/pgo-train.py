#!/usr/bin/env python3
"""The training workload for a profile-guided build (scripts/build-pgo.sh): drives a running,
instrumented sparouter-server so that its profile says which code is hot in production-like
traffic. Standard library only.

  pgo-train.py <server port> <admin token> <upstream base url> [--requests N] [--seed S]

It configures the server through the admin API (4 groups, 7 deployments, rules of every kind,
the embedded classifier, first with few examples per label and then with many), then sends a
seeded mix from 4 client threads: chats with model "auto" (most of them), named groups,
streamed answers, multi-turn and Chinese prompts, new connections, failing upstreams (fallback),
client errors, and admin and operations reads. Prompts are composed from word lists here: the
load harness's own prompt (benchmarks/load/server_config.py) is never sent, so the profile
cannot be tuned to the benchmark's text.
"""
import argparse
import http.client
import json
import random
import sys
import threading
import urllib.request

TOPICS = {
    "code": ["function", "compiler", "segfault", "pointer", "thread", "mutex", "deadlock", "python",
             "rust", "template", "stack", "heap", "refactor", "unit", "test", "build", "linker",
             "exception", "async", "socket", "regex", "query", "index", "schema", "docker"],
    "math": ["integral", "derivative", "matrix", "vector", "prime", "equation", "probability",
             "series", "limit", "proof", "theorem", "eigenvalue", "polynomial", "geometry",
             "triangle", "variance", "sum", "fraction", "logarithm", "graph"],
    "support": ["refund", "invoice", "password", "account", "subscription", "delivery", "order",
                "cancel", "charge", "card", "billing", "login", "upgrade", "plan", "receipt"],
    "general": ["garden", "recipe", "travel", "holiday", "story", "poem", "weather", "music",
                "movie", "history", "book", "exercise", "coffee", "city", "museum", "river"],
}
FILLER = ["the", "a", "my", "please", "can", "you", "help", "me", "with", "about", "why", "how",
          "does", "is", "this", "that", "when", "should", "i", "we", "it", "not", "and", "or",
          "explain", "quickly", "again", "today", "really", "don't", "won't", "2024", "42"]
CHINESE = ["请帮我", "写一首关于秋天的诗", "这个函数为什么会崩溃", "计算这个积分", "退款需要多久",
           "我想去北京旅行", "解释一下线程和进程的区别", "今天天气怎么样"]
GROUPS = list(TOPICS)


def prompt(rng, topic, words):
    out = []
    for _ in range(words):
        pool = TOPICS[topic] if rng.random() < 0.3 else FILLER
        w = rng.choice(pool)
        out.append(w.capitalize() if rng.random() < 0.05 else w)
        if rng.random() < 0.08:
            out[-1] += rng.choice([",", ".", "?", "!", ":"])
    if rng.random() < 0.08:
        out.append(rng.choice(CHINESE))
    return " ".join(out)


def chat_body(rng, model):
    topic = rng.choice(GROUPS)
    messages = []
    if rng.random() < 0.6:
        messages.append({"role": "system", "content": prompt(rng, "general", rng.randint(5, 30))})
    for _ in range(rng.choice([0, 0, 0, 1, 2])):  # earlier turns
        messages.append({"role": "user", "content": prompt(rng, rng.choice(GROUPS), 20)})
        messages.append({"role": "assistant", "content": prompt(rng, topic, 25)})
    words = rng.choice([8, 20, 60, 150, 150, 300, 600])
    content = prompt(rng, topic, words)
    if rng.random() < 0.1:  # the content-parts form
        content = [{"type": "text", "text": content}]
    messages.append({"role": "user", "content": content})
    body = {"model": model, "messages": messages}
    if rng.random() < 0.5:
        body["temperature"] = round(rng.random(), 2)
    if rng.random() < 0.2:
        body["max_tokens"] = rng.randint(16, 512)
    return body


class Admin:
    def __init__(self, port, token):
        self.base = "http://127.0.0.1:%d" % port
        self.token = token

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"X-Admin-Token": self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")


def configure(admin, upstream):
    kinds = ["openai_compatible", "openai", "openai_compatible", "openai"]
    for i, kind in enumerate(kinds):
        admin.call("POST", "/api/providers", {"id": "train%d" % i, "name": "Training %d" % i,
                                              "kind": kind, "base_url": upstream,
                                              "api_key": "sk-training-%d" % i})
    layout = {"general": [(0, 2, 0), (1, 1, 0)], "code": [(1, 1, 0), (2, 1, 1)],
              "math": [(2, 1, 0)], "support": [(3, 1, 0), (0, 1, 1)]}
    for name, deps in layout.items():
        admin.call("POST", "/api/routing/groups",
                   {"name": name, "fallbacks": [] if name == "general" else ["general"]})
        for j, (p, w, prio) in enumerate(deps):
            admin.call("POST", "/api/routing/groups/%s/deployments" % name,
                       {"provider_id": "train%d" % p, "model": "%s-%d" % (name, j),
                        "weight": w, "priority": prio})


def classifier(admin, rng, per_label):
    rules = []
    for topic, words in TOPICS.items():
        if topic == "general":
            continue
        rules.append({"id": "kw-%s" % topic, "enabled": True, "target_group": topic,
                      "match": {"keywords_any": words[:4], "scope": "last_user"}})
        rules.append({"id": "all-%s" % topic, "enabled": True, "target_group": topic,
                      "match": {"keywords_all": words[4:6], "scope": "all_user"}})
        rules.append({"id": "re-%s" % topic, "enabled": True, "target_group": topic,
                      "match": {"regex": r"\b%s\w*\b" % words[6], "scope": "all"}})
    rules.append({"id": "long", "enabled": True, "target_group": "general",
                  "match": {"min_chars": 20000, "scope": "last_user"}})
    labels = [{"group": topic, "examples": [prompt(rng, topic, rng.randint(4, 14))
                                            for _ in range(per_label)]} for topic in GROUPS]
    admin.call("PUT", "/api/classifier/config",
               {"mode": "hybrid", "default_group": "general", "rules": rules,
                "classifier": {"type": "embedded", "threshold": 0.3, "labels": labels}})
    admin.call("POST", "/api/apply")


def client(port, token, upstream_port, seed, count, errors):
    rng = random.Random(seed)
    conn = None
    for _ in range(count):
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        roll = rng.random()
        method, path, headers, payload = "POST", "/v1/chat/completions", {}, None
        if roll < 0.62:
            body = chat_body(rng, "auto")
        elif roll < 0.75:
            body = chat_body(rng, rng.choice(GROUPS))
        elif roll < 0.85:
            body = chat_body(rng, rng.choice(["auto", "code"]))
            body["stream"] = True
        elif roll < 0.88:  # the next answer of one upstream deployment fails: fallback
            fault = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            fault.request("POST", "/_fake/faults",
                          json.dumps({"status": rng.choice([500, 429, 503]), "times": 1}))
            fault.getresponse().read()
            fault.close()
            body = chat_body(rng, "auto")
        elif roll < 0.91:  # client errors: bad JSON, unknown group, no messages
            body = None
            payload = rng.choice([b"{\"model\": \"auto\", \"messages\": [", b"[]",
                                  json.dumps({"model": "no-such-group", "messages": [
                                      {"role": "user", "content": "hi"}]}).encode(),
                                  json.dumps({"model": "auto"}).encode()])
        else:
            method, body = "GET", None
            path = rng.choice(["/v1/models", "/healthz", "/readyz", "/metrics", "/api/status",
                               "/api/routing/groups", "/api/providers"])
            headers["X-Admin-Token"] = token
        if body is not None:
            payload = json.dumps(body).encode()
        if payload is not None:
            headers["Content-Type"] = "application/json"
        close = rng.random() < 0.05  # some clients open a connection per request
        if close:
            headers["Connection"] = "close"
        try:
            conn.request(method, path, body=payload, headers=headers)
            conn.getresponse().read()
        except (OSError, http.client.HTTPException) as e:
            errors.append(repr(e))
            close = True
        if close:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def drive(port, token, upstream_port, seed, requests):
    errors = []
    threads = [threading.Thread(target=client, args=(port, token, upstream_port, seed * 10 + i,
                                                     requests // 4, errors)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:  # an upstream fault or a client error is an answer, not an exception
        sys.exit("pgo-train: %d requests failed, first: %s" % (len(errors), errors[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("token")
    ap.add_argument("upstream", help="base url of sparouter-fake-upstream, e.g. http://127.0.0.1:9/v1")
    ap.add_argument("--requests", type=int, default=24000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    upstream_port = int(args.upstream.split(":")[2].split("/")[0])
    rng = random.Random(args.seed)
    admin = Admin(args.port, args.token)
    configure(admin, args.upstream)
    # Few examples per label (what people type into the console), then many (the hidden layer).
    for step, per_label in enumerate([6, 40]):
        classifier(admin, rng, per_label)
        admin.call("POST", "/api/classifier/test", {"text": prompt(rng, "code", 30)})
        drive(args.port, args.token, upstream_port, args.seed + step, args.requests // 2)
    print("pgo-train: %d requests sent" % args.requests)


if __name__ == "__main__":
    main()
