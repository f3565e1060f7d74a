"""generate_config and the config-dir calls from Python, over the C ABI."""
import json
import os

import pytest
import yaml

from sparouter import (Router, SparouterError, check_config_dir, generate_config, load_config_dir,
                       write_config_files)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STATE = os.path.join(ROOT, "tests", "data", "config", "state.json")
GOLDEN = os.path.join(ROOT, "tests", "data", "config", "golden")
FILES = ["litellm/config.yaml", "router/rules.json", "router/settings.json"]


@pytest.fixture
def state():
    with open(STATE, encoding="utf-8") as f:
        return json.load(f)


def test_generate_matches_the_golden_files(state):
    out = generate_config(state)
    assert sorted(out) == ["files", "version", "warnings"]
    assert list(out["files"]) == FILES
    for path in FILES:
        with open(os.path.join(GOLDEN, path), encoding="utf-8") as f:
            assert out["files"][path] == f.read(), path
    with open(os.path.join(GOLDEN, "version.txt"), encoding="utf-8") as f:
        assert out["version"] == f.read().strip()
    assert any("empty-group" in w for w in out["warnings"])


def test_generated_yaml_keeps_strings_strings(state):
    cfg = yaml.safe_load(generate_config(state)["files"]["litellm/config.yaml"])
    names = {m["model_name"] for m in cfg["model_list"]}
    assert {"yes", "on", "1.0", "2026-01-01", "null", "0x1F"} <= names
    assert all(isinstance(n, str) for n in names)
    assert cfg["general_settings"]["master_key"] == "os.environ/LITELLM_MASTER_KEY"


def test_same_input_same_output_and_text_input(state):
    a = generate_config(state)
    b = generate_config(json.dumps(state))
    assert a == b


def test_has_api_key_marks_a_provider_keyed():
    config = {"providers": [{"id": "p1", "name": "P", "kind": "openai",
                             "base_url": "https://api.example.com/v1", "has_api_key": True}],
              "groups": [{"name": "g", "deployments": [{"id": "d", "provider_id": "p1",
                                                       "model": "m"}]}]}
    cfg = yaml.safe_load(generate_config(config)["files"]["litellm/config.yaml"])
    assert cfg["model_list"][0]["litellm_params"]["api_key"] == "os.environ/SPAROUTER_KEY_P1"


def test_invalid_config_raises_with_param(state):
    state["groups"][0]["deployments"][0]["provider_id"] = "nobody"
    with pytest.raises(SparouterError) as e:
        generate_config(state)
    assert e.value.param == "groups[0].deployments[0].provider_id"


def test_write_check_load_round_trip(state, tmp_path):
    version = write_config_files(state, tmp_path)
    assert version == generate_config(state)["version"]
    check_config_dir(tmp_path)
    loaded = load_config_dir(tmp_path)
    assert {g["name"] for g in loaded["groups"]} == {g["name"] for g in state["groups"]}
    Router(loaded, seed=1)  # serves from the files alone
    rules = tmp_path / "router" / "rules.json"
    rules.write_text(rules.read_text().replace('"schema_version": 1', '"schema_version": 9'))
    with pytest.raises(SparouterError) as e:
        check_config_dir(tmp_path)
    assert e.value.param == "router/rules.json:schema_version"
