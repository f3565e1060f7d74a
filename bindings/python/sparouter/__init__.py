"""sparouter: the embeddable AI request router, from Python (ctypes over the C ABI).

    from sparouter import Router
    router = Router(config_dict, seed=1)
    decision = router.route({"model": "auto", "messages": [...]})
    for candidate in decision.candidates():
        ...call candidate.base_url with candidate.model...
        decision.report("success", latency_us=1800)
        break

    from sparouter import generate_config
    files = generate_config(config_dict)["files"]   # litellm/config.yaml, router/*.json

Set SPAROUTER_LIBRARY to the path of libsparouter.so when it is not installed.
"""
from .config import check_config_dir, generate_config, load_config_dir, write_config_files
from .router import Candidate, Decision, Router, SparouterError, check_config, version

__all__ = ["Candidate", "Decision", "Router", "SparouterError", "check_config", "check_config_dir",
           "generate_config", "load_config_dir", "version", "write_config_files"]
