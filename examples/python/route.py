"""Embedding the router in Python (ctypes over libsparouter.so).
   SPAROUTER_LIBRARY=build/libsparouter/capi/libsparouter.so python3 examples/python/route.py router.json
"""
import json
import sys

from sparouter import Router


def main(path):
    with open(path) as f:
        router = Router(json.load(f), seed=11)
    print("applied", router.version)
    decision = router.route({"model": "auto",
                             "messages": [{"role": "user", "content": "帮我看看这段代码为什么报错"}]})
    print("group", decision.group, "via", decision.source)
    for attempt, c in enumerate(decision.candidates(), 1):
        status = 500 if attempt == 1 else 200  # the first one fails, the next one answers
        print(f"  attempt {attempt}: {c.deployment_id} -> HTTP {status}")
        decision.report("success" if status == 200 else "http_5xx", latency_us=1200)
        if status == 200:
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
