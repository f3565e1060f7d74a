"""The training workload of the profile-guided build (scripts/pgo-train.py) against the real
server: it must run without a failed request and reach the paths it is meant to teach the
compiler (classifier and rule routing, named groups, streaming, fallback, client errors)."""
import os
import re
import subprocess
import sys

import harness

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "pgo-train.py")


def metric_sum(text, name, **labels):
    total = 0.0
    for line in text.splitlines():
        m = re.match(r"%s\{([^}]*)\} (\S+)$" % re.escape(name), line)
        if m and all('%s="%s"' % kv in m.group(1) for kv in labels.items()):
            total += float(m.group(2))
    return total


def test_training_workload_runs_and_covers_the_hot_paths(server):
    fake = harness.Fake("training")
    try:
        run = subprocess.run([sys.executable, SCRIPT, str(server.port), harness.ADMIN_TOKEN,
                              fake.base_url, "--requests", "1200", "--seed", "3"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert "1200 requests sent" in run.stdout
        status, _, metrics = harness.request(server.port, "GET", "/metrics")
        assert status == 200
        stats = fake.stats()
    finally:
        fake.stop()
    assert stats["chat_requests"] > 700
    assert stats["streams_completed"] > 0
    assert metric_sum(metrics, "sparouter_requests_total", status="200") > 700
    assert metric_sum(metrics, "sparouter_requests_total", status="404") > 0  # unknown group
    assert metric_sum(metrics, "sparouter_requests_total", status="400") > 0  # bad bodies
    assert metric_sum(metrics, "sparouter_fallbacks_total") > 0
    for group in ("general", "code", "math", "support"):
        assert metric_sum(metrics, "sparouter_requests_total", group=group) > 0, group
