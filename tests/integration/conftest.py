import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402


def pytest_configure(config):
    for name, path in (("SPAROUTER_SERVER_BIN", harness.SERVER_BIN),
                       ("SPAROUTER_FAKE_UPSTREAM_BIN", harness.FAKE_BIN)):
        if not path or not os.access(path, os.X_OK):
            raise pytest.UsageError("%s must name the built binary (got %r)" % (name, path))


@pytest.fixture
def fakes():
    started = [harness.Fake(n, models=("m-%s" % n, "shared"), chunk_delay_ms=20)
               for n in ("a", "b", "c")]
    yield started
    for f in started:
        f.stop()


@pytest.fixture
def server(tmp_path):
    s = harness.Server(str(tmp_path))
    yield s
    s.stop()
