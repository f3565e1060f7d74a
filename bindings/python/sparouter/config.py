"""The configuration files (litellm/config.yaml, router/rules.json, router/settings.json)."""
import ctypes
import json
import os
from typing import Union

from . import _ffi
from .router import _check, _take, lib


def _json_bytes(config) -> bytes:
    return (config if isinstance(config, str) else json.dumps(config)).encode()


def _path_bytes(path: Union[str, os.PathLike]) -> bytes:
    return os.fsencode(path)


def generate_config(config) -> dict:
    """Generates the files of a router configuration (dict or JSON text).

    Returns {"version": str, "files": {path: text}, "warnings": [str]}, as POST /api/generate.
    Keys never appear in the files, only os.environ/SPAROUTER_KEY_<ID> references (a provider
    counts as keyed with "has_api_key": true). Raises SparouterError on an invalid config.
    """
    data = _json_bytes(config)
    buf = _ffi.sr_buf()
    _check(lib().sr_config_generate_json(data, len(data), ctypes.byref(buf)))
    return json.loads(_take(buf))


def write_config_files(config, out_dir: Union[str, os.PathLike]) -> str:
    """Generates the files into out_dir (each written atomically, no secrets); returns the version."""
    data = _json_bytes(config)
    buf = _ffi.sr_buf()
    _check(lib().sr_config_generate_to_dir(data, len(data), _path_bytes(out_dir), ctypes.byref(buf)))
    return _take(buf)


def check_config_dir(path: Union[str, os.PathLike]) -> None:
    """Raises SparouterError (param "<file>:<field>") unless the three files of path agree."""
    _check(lib().sr_config_check_dir(_path_bytes(path)))


def load_config_dir(path: Union[str, os.PathLike]) -> dict:
    """router/rules.json + router/settings.json of path, as a router configuration dict."""
    buf = _ffi.sr_buf()
    _check(lib().sr_config_load_dir(_path_bytes(path), ctypes.byref(buf)))
    return json.loads(_take(buf))


__all__ = ["generate_config", "write_config_files", "check_config_dir", "load_config_dir"]
