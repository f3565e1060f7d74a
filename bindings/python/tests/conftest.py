import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


@pytest.fixture
def config():
    with open(os.path.join(ROOT, "examples", "config", "router.json")) as f:
        return json.load(f)


@pytest.fixture
def header_text():
    with open(os.path.join(ROOT, "include", "sparouter", "sparouter.h")) as f:
        return f.read()
