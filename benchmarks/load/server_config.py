#!/usr/bin/env python3
"""Configures a running sparouter-server for the load test through its admin API: 3 groups, 7
deployments over 4 providers (all pointing at one fixed-answer upstream), 20 rules, the embedded
classifier in hybrid mode, then applies. Prints the 1 KB chat body the clients send.

  server_config.py <server port> <admin token> <upstream base url> <body file>
"""
import json
import sys
import urllib.request

port, token, upstream, body_file = sys.argv[1:5]


def api(method, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"X-Admin-Token": token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


for i in range(4):
    api("POST", "/api/providers", {"id": "up%d" % i, "name": "Upstream %d" % i,
                                   "kind": "openai_compatible", "base_url": upstream,
                                   "api_key": "sk-load-test-%d" % i})
groups = {"general": [(0, 3, 0), (1, 1, 0), (2, 1, 1)],
          "code": [(1, 2, 0), (3, 1, 0)],
          "math": [(2, 1, 0), (3, 1, 1)]}
for name, deps in groups.items():
    api("POST", "/api/routing/groups", {"name": name, "fallbacks": [] if name == "general"
                                        else ["general"]})
    for j, (p, w, prio) in enumerate(deps):
        api("POST", "/api/routing/groups/%s/deployments" % name,
            {"provider_id": "up%d" % p, "model": "%s-model-%d" % (name, j), "weight": w,
             "priority": prio})
words = ["segfault", "stack trace", "compile error", "null pointer", "race condition",
         "integral", "derivative", "matrix", "eigenvalue", "probability", "theorem",
         "kubernetes", "dockerfile", "regex", "sql query", "python", "rust", "golang",
         "typescript", "linked list"]
rules = []
for i, w in enumerate(words):
    target = "math" if 5 <= i <= 10 else "code"
    match = {"keywords_any": [w, w + "s"], "scope": "last_user"}
    if i % 5 == 4:
        match = {"regex": r"\b%s\w*\b" % w.split()[0], "scope": "last_user"}
    rules.append({"id": "r%02d" % i, "enabled": True, "target_group": target, "match": match})
labels = [
    {"group": "code", "examples": ["fix my function", "why does this program crash",
                                   "refactor this class", "write a unit test",
                                   "the build fails with an error"]},
    {"group": "math", "examples": ["solve this equation", "what is the sum of the series",
                                   "prove the inequality", "compute the limit",
                                   "how many ways to choose"]},
    {"group": "general", "examples": ["write a poem about autumn", "plan a trip to rome",
                                      "summarise this article", "what should i cook tonight",
                                      "tell me a story"]},
]
api("PUT", "/api/classifier/config", {"mode": "hybrid", "default_group": "general",
                                      "rules": rules,
                                      "classifier": {"type": "embedded", "threshold": 0.35,
                                                     "labels": labels}})
applied = api("POST", "/api/apply")

# About 1 KB: a system prompt and a user message no rule matches, so the classifier decides.
# Five examples per label make a hesitant model: it picks "general" at 0.396, hence the
# threshold of 0.35 (below it the default group would serve, after the same work).
user = ("I am planning a small garden behind the house this spring and would like advice on "
        "which vegetables grow well together, how much sun they need, when to plant them and "
        "how to keep the soil healthy without chemicals. ") * 3
body = {"model": "auto", "messages": [
    {"role": "system", "content": "You are a helpful assistant that answers briefly."},
    {"role": "user", "content": user[:820]}], "temperature": 0.2}
with open(body_file, "w") as f:
    json.dump(body, f)
print(applied["version"])
