#!/usr/bin/python3
"""Reads generated files back as LiteLLM and the router's tools would, and checks them.

litellm/config.yaml is loaded with PyYAML's safe_load (what LiteLLM Proxy uses, YAML 1.1) and
checked against shared/reference/litellm-config.md: model_list entries (keys, types, provider
prefixes, os.environ/ key references, weight on all or none of a group, order ints >= 1),
router_settings (strategy, pre-call checks, retries, fallbacks as single-key mappings of
lists naming known groups), general_settings.master_key, strings that stay strings, no secret.
Expectations come from the input state (API.md's JSON). router/rules.json and
router/settings.json are validated against their JSON Schemas (jsonschema when installed, else
the small validator below, which knows the keywords those schemas use).

  check_generated.py --state STATE.json --schemas DIR (--dir FILES_DIR | --generator BIN --out DIR)
"""
import argparse
import json
import os
import re
import subprocess
import sys

import yaml

PREFIX = {"openai": "openai/", "openai_compatible": "openai/", "azure": "azure/",
          "anthropic": "anthropic/", "gemini": "gemini/", "ollama": "ollama_chat/"}
NEEDS_API_BASE = {"openai", "openai_compatible", "azure", "ollama"}
PARAM_KEYS = {"model", "api_base", "api_key", "api_version", "weight", "order", "timeout"}
TOP_KEYS = {"model_list", "router_settings", "general_settings"}
ROUTER_KEYS = {"routing_strategy", "enable_pre_call_checks", "num_retries", "allowed_fails",
               "cooldown_time", "timeout", "fallbacks"}

errors = []


def fail(msg):
    errors.append(msg)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def env_name(provider_id):
    return "SPAROUTER_KEY_" + re.sub(r"[^A-Z0-9]", "_", provider_id.upper())


def check_yaml(text, state):
    cfg = yaml.safe_load(text)
    if not isinstance(cfg, dict):
        return fail("config.yaml is not a mapping")
    if set(cfg) != TOP_KEYS:
        fail(f"top-level keys {sorted(cfg)} != {sorted(TOP_KEYS)}")
    providers = {p["id"]: p for p in state.get("providers", [])}
    groups = {g["name"]: g for g in state.get("groups", [])}
    settings = state.get("settings", {})
    default_timeout = settings.get("timeout_ms", 60000) / 1000

    expected = {}
    for g in groups.values():
        for d in g.get("deployments", []):
            p = providers[d["provider_id"]]
            if d.get("enabled", True) and p.get("enabled", True) and d.get("weight", 1) > 0:
                expected[d["id"]] = (g["name"], d, p)

    model_list = cfg.get("model_list")
    if not isinstance(model_list, list):
        return fail("model_list is not a list")
    seen_ids = set()
    by_group = {}
    for i, entry in enumerate(model_list):
        where = f"model_list[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"model_name", "litellm_params", "model_info"}:
            fail(f"{where}: keys {sorted(entry) if isinstance(entry, dict) else entry}")
            continue
        name, params, info = entry["model_name"], entry["litellm_params"], entry["model_info"]
        if not isinstance(name, str):
            fail(f"{where}.model_name is {type(name).__name__}, not str: {name!r}")
        if not isinstance(info, dict) or set(info) != {"id"} or not isinstance(info["id"], str):
            fail(f"{where}.model_info must be {{id: str}}: {info!r}")
            continue
        dep_id = info["id"]
        if dep_id in seen_ids:
            fail(f"{where}: model_info.id {dep_id!r} twice")
        seen_ids.add(dep_id)
        if dep_id not in expected:
            fail(f"{where}: {dep_id!r} is not an enabled deployment of the state")
            continue
        group, d, p = expected[dep_id]
        if name != group:
            fail(f"{where}.model_name {name!r} != group {group!r}")
        if not isinstance(params, dict) or not set(params) <= PARAM_KEYS or "model" not in params:
            fail(f"{where}.litellm_params keys {sorted(params) if isinstance(params, dict) else params}")
            continue
        for k in ("model", "api_base", "api_key", "api_version"):
            if k in params and not isinstance(params[k], str):
                fail(f"{where}.litellm_params.{k} is {type(params[k]).__name__}: {params[k]!r}")
        want_model = PREFIX[p["kind"]] + d["model"]
        if params["model"] != want_model:
            fail(f"{where}.model {params['model']!r} != {want_model!r}")
        if p["kind"] in NEEDS_API_BASE and not params.get("api_base", "").startswith(("http://", "https://")):
            fail(f"{where}: provider kind {p['kind']} needs an http(s) api_base")
        if "api_base" in params and params["api_base"].endswith("/"):
            fail(f"{where}.api_base ends with '/'")
        if p["kind"] == "ollama" and params.get("api_base", "").endswith("/v1"):
            fail(f"{where}: ollama_chat/ needs the host root, not /v1")
        if p["kind"] == "azure":
            if not isinstance(params.get("api_version"), str):
                fail(f"{where}: azure needs a string api_version")
        elif "api_version" in params:
            fail(f"{where}: api_version only for azure")
        has_key = bool(p.get("api_key_sealed"))
        if has_key:
            want = "os.environ/" + env_name(p["id"])
            if params.get("api_key") != want:
                fail(f"{where}.api_key {params.get('api_key')!r} != {want!r}")
        elif "api_key" in params:
            fail(f"{where}: provider {p['id']} has no key, yet api_key is set")
        if "weight" in params and not (is_num(params["weight"]) and params["weight"] > 0):
            fail(f"{where}.weight must be a number > 0: {params.get('weight')!r}")
        if "order" in params and not (is_int(params["order"]) and params["order"] >= 1):
            fail(f"{where}.order must be an int >= 1: {params.get('order')!r}")
        timeout = d.get("timeout_ms")
        timeout = timeout / 1000 if timeout is not None else default_timeout
        if not is_num(params.get("timeout")) or abs(params["timeout"] - timeout) > 1e-9:
            fail(f"{where}.timeout {params.get('timeout')!r} != {timeout}")
        by_group.setdefault(name, []).append((d, params))
    missing = set(expected) - seen_ids
    if missing:
        fail(f"enabled deployments missing from model_list: {sorted(missing)}")

    for group, members in by_group.items():
        with_weight = [("weight" in prm) for _, prm in members]
        if any(with_weight) and not all(with_weight):
            fail(f"group {group!r}: weight on some deployments only")
        for d, prm in members:
            if "weight" in prm and abs(prm["weight"] - min(d.get("weight", 1), 1e12)) > 1e-12:
                fail(f"group {group!r}: weight of {d['id']} is {prm['weight']}")
        orders = [prm.get("order") for _, prm in members]
        if any(o is not None for o in orders) and not all(o is not None for o in orders):
            fail(f"group {group!r}: order on some deployments only")
        tiers = sorted({d.get("priority", 0) for d, _ in members})
        for d, prm in members:
            if prm.get("order") != tiers.index(d.get("priority", 0)) + 1:
                fail(f"group {group!r}: order of {d['id']} is {prm.get('order')}, rank is "
                     f"{tiers.index(d.get('priority', 0)) + 1}")

    rs = cfg.get("router_settings")
    if not isinstance(rs, dict) or not set(rs) <= ROUTER_KEYS:
        return fail(f"router_settings keys: {rs!r}")
    if rs.get("routing_strategy") != "simple-shuffle":
        fail("routing_strategy must be simple-shuffle")
    if rs.get("enable_pre_call_checks") is not True:
        fail("enable_pre_call_checks must be true")
    for k, want in (("num_retries", settings.get("num_retries", 2)),
                    ("allowed_fails", settings.get("allowed_fails", 3))):
        if not is_int(rs.get(k)) or rs[k] != want:
            fail(f"router_settings.{k} {rs.get(k)!r} != {want}")
    if not is_num(rs.get("cooldown_time")) or rs["cooldown_time"] != settings.get("cooldown_s", 5):
        fail(f"router_settings.cooldown_time {rs.get('cooldown_time')!r}")
    if not is_num(rs.get("timeout")) or rs["timeout"] != default_timeout:
        fail(f"router_settings.timeout {rs.get('timeout')!r}")
    served = set(by_group)
    fallbacks = rs.get("fallbacks", [])
    if not isinstance(fallbacks, list) or ("fallbacks" in rs and not fallbacks):
        fail(f"fallbacks must be a non-empty list when present: {fallbacks!r}")
        fallbacks = []
    want_fb = []
    for name in sorted(groups):
        targets = [f for f in groups[name].get("fallbacks", []) if f in served]
        if name in served and targets:
            want_fb.append({name: targets})
    for i, item in enumerate(fallbacks):
        if not isinstance(item, dict) or len(item) != 1:
            fail(f"fallbacks[{i}] must be a single-key mapping: {item!r}")
            continue
        (src, dst), = item.items()
        if not isinstance(src, str) or src not in served:
            fail(f"fallbacks[{i}] key {src!r} is not a group in model_list")
        if not isinstance(dst, list) or not all(isinstance(x, str) and x in served for x in dst):
            fail(f"fallbacks[{i}] value must be a list of groups in model_list: {dst!r}")
    if fallbacks != want_fb:
        fail(f"fallbacks {fallbacks!r} != expected {want_fb!r}")

    gs = cfg.get("general_settings")
    if gs != {"master_key": "os.environ/LITELLM_MASTER_KEY"}:
        fail(f"general_settings {gs!r}")


# ---- a small JSON Schema (2020-12) validator for the keywords our schemas use -------------
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def type_ok(v, t):
    if t == "integer":
        return is_int(v) or (isinstance(v, float) and v.is_integer())
    if t == "number":
        return is_num(v)
    return isinstance(v, TYPES[t]) and not (t != "boolean" and isinstance(v, bool))


def validate(v, s, root, path="$"):
    """Returns a list of error strings."""
    if "$ref" in s:
        ref = s["$ref"]
        assert ref.startswith("#/"), ref
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        errs = validate(v, target, root, path)
        s = {k: x for k, x in s.items() if k != "$ref"}
        return errs + validate(v, s, root, path) if s else errs
    errs = []
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(type_ok(v, t) for t in ts):
            return [f"{path}: {v!r} is not {s['type']}"]
    if "const" in s and (v != s["const"] or (type(v) is bool) != (type(s["const"]) is bool)):
        errs.append(f"{path}: {v!r} != const {s['const']!r}")
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r} not in {s['enum']}")
    if "anyOf" in s and all(validate(v, sub, root, path) for sub in s["anyOf"]):
        errs.append(f"{path}: {v!r} matches no anyOf branch")
    if "if" in s and not validate(v, s["if"], root, path) and "then" in s:
        errs += validate(v, s["then"], root, path)
    if is_num(v):
        if "minimum" in s and v < s["minimum"]:
            errs.append(f"{path}: {v} < {s['minimum']}")
        if "maximum" in s and v > s["maximum"]:
            errs.append(f"{path}: {v} > {s['maximum']}")
        if "exclusiveMinimum" in s and v <= s["exclusiveMinimum"]:
            errs.append(f"{path}: {v} <= {s['exclusiveMinimum']}")
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            errs.append(f"{path}: shorter than {s['minLength']}")
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append(f"{path}: {v!r} does not match {s['pattern']}")
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}: missing {k}")
        for k, x in v.items():
            if k in props:
                errs += validate(x, props[k], root, f"{path}.{k}")
            elif s.get("additionalProperties") is False:
                errs.append(f"{path}: unknown property {k}")
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            errs += validate(x, s["items"], root, f"{path}[{i}]")
    return errs


def check_schema(doc, schema, name):
    try:
        import jsonschema  # noqa: PLC0415 - optional
        for e in jsonschema.Draft202012Validator(schema).iter_errors(doc):
            fail(f"{name}: {e.message} at {list(e.path)}")
    except ImportError:
        for e in validate(doc, schema, schema):
            fail(f"{name}: {e}")


def self_test_validator(rules_schema):
    """The fallback validator must reject what the schema forbids, or it proves nothing."""
    bad = {"schema_version": 1, "providers": [{"id": "p", "name": "P", "kind": "nope",
           "base_url": "ftp://x", "api_version": None, "enabled": True, "has_api_key": False,
           "api_key": "sk"}], "groups": [], "classifier": {}}
    if len(validate(bad, rules_schema, rules_schema)) < 3:
        fail("the schema validator accepts a document it must refuse")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--dir")
    ap.add_argument("--generator")
    ap.add_argument("--out")
    ap.add_argument("--secret", action="append", default=[])
    a = ap.parse_args()
    if a.generator:
        subprocess.run([a.generator, a.state, a.out], check=True, stdout=subprocess.DEVNULL)
        a.dir = a.out
    with open(a.state, encoding="utf-8") as f:
        state = json.load(f)
    files = {}
    for rel in ("litellm/config.yaml", "router/rules.json", "router/settings.json"):
        with open(os.path.join(a.dir, rel), encoding="utf-8") as f:
            files[rel] = f.read()
    check_yaml(files["litellm/config.yaml"], state)
    secrets = list(a.secret)
    for p in state.get("providers", []):
        secrets += [p[k] for k in ("api_key_sealed", "api_key_masked") if p.get(k)]
    for rel, text in files.items():
        for s in secrets:
            if s in text:
                fail(f"{rel} holds a secret ({s[:4]}...)")
        if "api_key_sealed" in text or "api_key_masked" in text:
            fail(f"{rel} names a key field")
    schemas = {}
    for name in ("rules", "settings"):
        with open(os.path.join(a.schemas, f"{name}.schema.json"), encoding="utf-8") as f:
            schemas[name] = json.load(f)
    self_test_validator(schemas["rules"])
    check_schema(json.loads(files["router/rules.json"]), schemas["rules"], "router/rules.json")
    check_schema(json.loads(files["router/settings.json"]), schemas["settings"], "router/settings.json")
    for e in errors:
        print("FAIL:", e)
    print(f"{len(errors)} problem(s) in {a.dir}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
