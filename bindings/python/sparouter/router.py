"""Pythonic wrappers over the C ABI: Router, Decision, Candidate and SparouterError."""
import ctypes
import json
from dataclasses import dataclass
from typing import Iterator, Optional

from . import _ffi

SOURCES = {0: "explicit", 1: "rule", 2: "classifier", 3: "default"}
KINDS = {0: "openai", 1: "openai_compatible", 2: "azure", 3: "anthropic", 4: "gemini", 5: "ollama"}
OUTCOMES = {"success": 0, "connect_error": 1, "timeout": 2, "http_408": 3, "http_429": 4,
            "http_5xx": 5, "http_4xx": 6, "cancelled": 7}

_lib = None


def lib():
    global _lib
    if _lib is None:
        _lib = _ffi.load()
    return _lib


class SparouterError(Exception):
    """A failed call: code (negative sr_status), message, and param (the offending field)."""

    def __init__(self, code: int, message: str, param: str):
        super().__init__(f"{message} (param: {param})" if param else message)
        self.code = code
        self.message = message
        self.param = param


def _check(rc: int) -> int:
    if rc < 0 and rc != _ffi.SR_ITEROVER:
        err = lib().sr_error_last().contents
        raise SparouterError(err.code, (err.message or b"").decode(), (err.param or b"").decode())
    return rc


def _take(buf: _ffi.sr_buf) -> str:
    try:
        return ctypes.string_at(buf.ptr, buf.size).decode("utf-8")
    finally:
        lib().sr_buf_dispose(ctypes.byref(buf))


def _outcome(outcome) -> int:
    if isinstance(outcome, str):
        return OUTCOMES[outcome]
    return int(outcome)


def version() -> str:
    return lib().sr_version_string().decode()


def check_config(config) -> None:
    """Raises SparouterError when the configuration (dict or JSON text) would not apply."""
    data = (config if isinstance(config, str) else json.dumps(config)).encode()
    _check(lib().sr_config_check_json(data, len(data)))


@dataclass(frozen=True)
class Candidate:
    deployment_id: str
    group: str
    provider_id: str
    provider_kind: str
    base_url: str
    api_version: str
    model: str
    timeout_ms: int
    cooling: bool


class Decision:
    """Where one request goes: the group, why, and the candidates to try in order."""

    def __init__(self, router: "Router", handle: ctypes.c_void_p):
        self._router = router
        self._h = handle
        self._refresh()

    def _refresh(self) -> None:
        info = _ffi.sr_decision_info(version=_ffi.SR_DECISION_INFO_VERSION)
        _check(lib().sr_decision_info_get(self._h, ctypes.byref(info)))
        self.group = info.group.text()
        self.source = SOURCES.get(info.source, "default")
        self.model = info.model.text()
        self.model_span = (info.model_offset, info.model_length)
        self.stream = bool(info.stream)
        self.judge_pending = bool(info.judge_pending)

    def __del__(self):
        if getattr(self, "_h", None):
            lib().sr_decision_free(self._h)
            self._h = None

    def candidates(self) -> Iterator[Candidate]:
        """Walks the plan; report() after each attempt refers to the candidate last yielded."""
        while True:
            c = _ffi.sr_candidate(version=_ffi.SR_CANDIDATE_VERSION)
            if _check(lib().sr_decision_next(self._h, ctypes.byref(c))) == _ffi.SR_ITEROVER:
                return
            yield Candidate(c.deployment_id.text(), c.group.text(), c.provider_id.text(),
                            KINDS.get(c.provider_kind, "openai"), c.base_url.text(),
                            c.api_version.text(), c.model.text(), c.timeout_ms, bool(c.cooling))

    def report(self, outcome, latency_us: int = 0, retry_after_ms: Optional[int] = None) -> None:
        _check(lib().sr_decision_report(self._router._h, self._h, _outcome(outcome), latency_us,
                                        -1 if retry_after_ms is None else retry_after_ms))

    def explain(self) -> dict:
        buf = _ffi.sr_buf()
        _check(lib().sr_decision_explain_json(self._h, ctypes.byref(buf)))
        return json.loads(_take(buf))

    def judge(self):
        """(group, body) of the pending LLM-judge call, or None."""
        group, body = _ffi.sr_str(), _ffi.sr_str()
        rc = lib().sr_decision_judge(self._h, ctypes.byref(group), ctypes.byref(body))
        if rc == _ffi.SR_ENOTFOUND:
            return None
        _check(rc)
        return group.text(), body.text()


class Router:
    """An embedded router. Thread-safe; any number may live in one process."""

    def __init__(self, config=None, seed: int = 0, clock=None):
        opts = _ffi.sr_router_options()
        _check(lib().sr_router_options_init(ctypes.byref(opts), _ffi.SR_ROUTER_OPTIONS_VERSION))
        opts.seed = seed
        if clock is not None:
            # Keep the callback alive as long as the router.
            self._clock_cb = _ffi.NOW_MS_FN(lambda _ud: int(clock()))
            opts.now_ms = self._clock_cb
        handle = ctypes.c_void_p()
        _check(lib().sr_router_new(ctypes.byref(handle), ctypes.byref(opts)))
        self._h = handle
        if config is not None:
            self.apply(config)

    def __del__(self):
        if getattr(self, "_h", None):
            lib().sr_router_free(self._h)
            self._h = None

    def apply(self, config) -> str:
        """Applies a configuration (dict or JSON text); returns its version."""
        data = (config if isinstance(config, str) else json.dumps(config)).encode()
        buf = _ffi.sr_buf()
        _check(lib().sr_router_apply_json(self._h, data, len(data), ctypes.byref(buf)))
        return _take(buf)

    @property
    def version(self) -> Optional[str]:
        buf = _ffi.sr_buf()
        if lib().sr_router_version(self._h, ctypes.byref(buf)) == _ffi.SR_EUNAVAILABLE:
            return None
        return _take(buf)

    def route(self, body) -> Decision:
        """Routes an OpenAI chat-completions body (dict, str or bytes)."""
        data = body if isinstance(body, bytes) else (
            body if isinstance(body, str) else json.dumps(body)).encode()
        handle = ctypes.c_void_p()
        _check(lib().sr_router_route(self._h, data, len(data), ctypes.byref(handle)))
        return Decision(self, handle)

    def classify(self, text: str) -> dict:
        """The test bench: where plain text would go, with the explanation."""
        data = text.encode()
        handle = ctypes.c_void_p()
        _check(lib().sr_router_classify(self._h, data, len(data), 1, ctypes.byref(handle)))
        return Decision(self, handle).explain()

    def resolve_judge(self, decision: Decision, reply: Optional[str]) -> None:
        data = (reply or "").encode()
        _check(lib().sr_router_resolve_judge(self._h, decision._h, data, len(data)))
        decision._refresh()

    def report(self, deployment_id: str, outcome, latency_us: int = 0,
               retry_after_ms: Optional[int] = None) -> None:
        data = deployment_id.encode()
        s = _ffi.sr_str(ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p), len(data))
        _check(lib().sr_router_report(self._h, s, _outcome(outcome), latency_us,
                                      -1 if retry_after_ms is None else retry_after_ms))

    def health(self) -> list:
        buf = _ffi.sr_buf()
        _check(lib().sr_router_health_json(self._h, ctypes.byref(buf)))
        return json.loads(_take(buf))
