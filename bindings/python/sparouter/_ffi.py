"""ctypes declarations of the C ABI in include/sparouter/sparouter.h.

Kept in one table (FUNCTIONS) so that tests/test_signatures.py can check it against the
header; the pythonic wrappers live in router.py.
"""
import ctypes
import ctypes.util
import os
from ctypes import (POINTER, Structure, c_char_p, c_int, c_int64, c_size_t, c_uint,
                    c_uint64, c_void_p)

SR_OK = 0
SR_EINVAL = -1
SR_ENOTFOUND = -2
SR_ECONFLICT = -3
SR_ENOMEM = -4
SR_EBUFS = -5
SR_EVERSION = -6
SR_EUNAVAILABLE = -7
SR_ITEROVER = -8
SR_EINTERNAL = -9

SR_ROUTER_OPTIONS_VERSION = 1
SR_DECISION_INFO_VERSION = 1
SR_CANDIDATE_VERSION = 1


class sr_str(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t)]

    def text(self):
        if not self.len:
            return ""
        return ctypes.string_at(self.data, self.len).decode("utf-8", "replace")


class sr_buf(Structure):
    _fields_ = [("ptr", c_void_p), ("size", c_size_t), ("reserved", c_size_t)]


class sr_error(Structure):
    _fields_ = [("code", c_int), ("message", c_char_p), ("param", c_char_p)]


NOW_MS_FN = ctypes.CFUNCTYPE(c_int64, c_void_p)
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_int, sr_str)


class sr_router_options(Structure):
    _fields_ = [("version", c_uint), ("seed", c_uint64), ("now_ms", NOW_MS_FN),
                ("clock_ud", c_void_p), ("log", LOG_FN), ("log_ud", c_void_p)]


class sr_decision_info(Structure):
    _fields_ = [("version", c_uint), ("group", sr_str), ("source", c_int), ("model", sr_str),
                ("model_offset", c_size_t), ("model_length", c_size_t), ("stream", c_int),
                ("candidates", c_size_t), ("judge_pending", c_int)]


class sr_candidate(Structure):
    _fields_ = [("version", c_uint), ("deployment_id", sr_str), ("group", sr_str),
                ("provider_id", sr_str), ("provider_kind", c_int), ("base_url", sr_str),
                ("api_version", sr_str), ("model", sr_str), ("timeout_ms", c_int64),
                ("cooling", c_int)]


router_p = c_void_p
decision_p = c_void_p

# name: (restype, [argtypes])
FUNCTIONS = {
    "sr_error_last": (POINTER(sr_error), []),
    "sr_status_str": (c_char_p, [c_int]),
    "sr_version_number": (c_int, []),
    "sr_version_string": (c_char_p, []),
    "sr_buf_dispose": (None, [POINTER(sr_buf)]),
    "sr_router_options_init": (c_int, [POINTER(sr_router_options), c_uint]),
    "sr_router_new": (c_int, [POINTER(router_p), POINTER(sr_router_options)]),
    "sr_router_free": (None, [router_p]),
    "sr_router_apply_json": (c_int, [router_p, c_char_p, c_size_t, POINTER(sr_buf)]),
    "sr_config_check_json": (c_int, [c_char_p, c_size_t]),
    "sr_router_version": (c_int, [router_p, POINTER(sr_buf)]),
    "sr_router_route": (c_int, [router_p, c_char_p, c_size_t, POINTER(decision_p)]),
    "sr_router_classify": (c_int, [router_p, c_char_p, c_size_t, c_int, POINTER(decision_p)]),
    "sr_decision_free": (None, [decision_p]),
    "sr_decision_info_get": (c_int, [decision_p, POINTER(sr_decision_info)]),
    "sr_decision_next": (c_int, [decision_p, POINTER(sr_candidate)]),
    "sr_decision_explain_json": (c_int, [decision_p, POINTER(sr_buf)]),
    "sr_decision_judge": (c_int, [decision_p, POINTER(sr_str), POINTER(sr_str)]),
    "sr_router_resolve_judge": (c_int, [router_p, decision_p, c_char_p, c_size_t]),
    "sr_outcome_is_retryable": (c_int, [c_int]),
    "sr_outcome_from_http_status": (c_int, [c_int]),
    "sr_decision_report": (c_int, [router_p, decision_p, c_int, c_int64, c_int64]),
    "sr_router_report": (c_int, [router_p, sr_str, c_int, c_int64, c_int64]),
    "sr_router_health_json": (c_int, [router_p, POINTER(sr_buf)]),
    "sr_config_generate_json": (c_int, [c_char_p, c_size_t, POINTER(sr_buf)]),
    "sr_config_generate_to_dir": (c_int, [c_char_p, c_size_t, c_char_p, POINTER(sr_buf)]),
    "sr_config_check_dir": (c_int, [c_char_p]),
    "sr_config_load_dir": (c_int, [c_char_p, POINTER(sr_buf)]),
}


def _find_library():
    explicit = os.environ.get("SPAROUTER_LIBRARY")
    if explicit:
        return explicit
    found = ctypes.util.find_library("sparouter")
    if found:
        return found
    raise OSError("libsparouter not found: set SPAROUTER_LIBRARY to the path of libsparouter.so")


def load(path=None):
    lib = ctypes.CDLL(path or _find_library())
    for name, (restype, argtypes) in FUNCTIONS.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib
