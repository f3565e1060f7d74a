"""sparouter: the embeddable AI request router, from Python (ctypes over the C ABI).

    from sparouter import Router
    router = Router(config_dict, seed=1)
    decision = router.route({"model": "auto", "messages": [...]})
    for candidate in decision.candidates():
        ...call candidate.base_url with candidate.model...
        decision.report("success", latency_us=1800)
        break

Set SPAROUTER_LIBRARY to the path of libsparouter.so when it is not installed.
"""
from .router import Candidate, Decision, Router, SparouterError, check_config, version

__all__ = ["Candidate", "Decision", "Router", "SparouterError", "check_config", "version"]
