/*
 * sparouter.h: the stable C ABI of libsparouter.
 *
 * Only what this header declares is public API. Conventions (see STYLE.md 2.1):
 * - every fallible call returns int: SR_OK (0) or a negative sr_status; sr_error_last() then
 *   describes the failure (message and the offending field). Out-params are written only on
 *   success.
 * - handles are opaque; sr_*_free(NULL) does nothing.
 * - options structs start with `unsigned int version`; fill them with *_INIT or *_init().
 * - strings cross as (pointer, length); borrowed ones (sr_str) live as long as their owner,
 *   owned ones (sr_buf) are released with sr_buf_dispose().
 * - sr_router is thread-safe; an sr_decision belongs to one thread at a time.
 * - no global state: any number of routers may live in one process. Nothing is written to
 *   stderr; no C++ exception crosses this boundary.
 */
#ifndef SPAROUTER_H
#define SPAROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "sparouter/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  if defined(SPAROUTER_BUILDING)
#    define SR_API __declspec(dllexport)
#  else
#    define SR_API __declspec(dllimport)
#  endif
#else
#  define SR_API __attribute__((visibility("default")))
#endif
#define SR_CALLBACK(name) (*name)
#if defined(SR_DEPRECATE_HARD)
#  define SR_DEPRECATED(decl)
#elif defined(__GNUC__)
#  define SR_DEPRECATED(decl) __attribute__((deprecated)) decl
#else
#  define SR_DEPRECATED(decl) decl
#endif

/* Where a parameter says own, ownership moves (as in wasm-c-api). */

/* ---- status and errors ------------------------------------------------------------- */

typedef enum sr_status {
  SR_OK = 0,
  SR_EINVAL = -1,       /* bad input; sr_error_last()->param names the field */
  SR_ENOTFOUND = -2,    /* e.g. the request names a group that does not exist */
  SR_ECONFLICT = -3,
  SR_ENOMEM = -4,
  SR_EBUFS = -5,
  SR_EVERSION = -6,     /* an options struct of version 0 or newer than this library */
  SR_EUNAVAILABLE = -7, /* e.g. no configuration applied yet */
  SR_ITEROVER = -8,     /* an iteration has no more items: not an error */
  SR_EINTERNAL = -9
} sr_status;

typedef struct sr_error {
  int code;            /* an sr_status */
  const char *message; /* never NULL; never holds a secret */
  const char *param;   /* JSON path of the offending field, "" when none */
} sr_error;

/* The last error of this thread. Never NULL; only meaningful right after a failed call. */
SR_API const sr_error *sr_error_last(void);
/* A static description of a status code. */
SR_API const char *sr_status_str(int code);

/* ---- version ------------------------------------------------------------------------ */

SR_API int sr_version_number(void);        /* SR_VERSION_NUMBER of the library itself */
SR_API const char *sr_version_string(void);

/* ---- strings and buffers ------------------------------------------------------------ */

typedef struct sr_str {
  const char *data; /* not NUL-terminated in general */
  size_t len;
} sr_str;

typedef struct sr_buf {
  char *ptr;       /* NUL-terminated for convenience; size excludes the NUL */
  size_t size;
  size_t reserved; /* library-owned */
} sr_buf;
#define SR_BUF_INIT { NULL, 0, 0 }

/* Releases what the library put in buf and resets it. NULL and empty buffers are fine. */
SR_API void sr_buf_dispose(sr_buf *buf);

/* ---- the router --------------------------------------------------------------------- */

typedef struct sr_router sr_router;
typedef struct sr_decision sr_decision;

typedef enum sr_log_level { SR_LOG_DEBUG = 0, SR_LOG_INFO = 1, SR_LOG_WARN = 2, SR_LOG_ERROR = 3 } sr_log_level;

typedef struct sr_router_options {
  unsigned int version;  /* SR_ROUTER_OPTIONS_VERSION */
  uint64_t seed;         /* 0: seeded from the OS; otherwise plans are deterministic */
  /* Monotonic milliseconds; NULL: the steady clock. Called from any thread. */
  int64_t SR_CALLBACK(now_ms)(void *clock_ud);
  void *clock_ud;
  /* Diagnostics; NULL: silent. Called from any thread; msg is valid during the call only. */
  void SR_CALLBACK(log)(void *log_ud, int level, sr_str msg);
  void *log_ud;
  /* New fields are only ever added here, at the end, with a new version. */
} sr_router_options;

#define SR_ROUTER_OPTIONS_VERSION 1
#define SR_ROUTER_OPTIONS_INIT { SR_ROUTER_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL }

SR_API int sr_router_options_init(sr_router_options *opts, unsigned int version);

/* opts NULL: all defaults. */
SR_API int sr_router_new(sr_router **out /* own */, const sr_router_options *opts);
SR_API void sr_router_free(sr_router *router /* own, NULL ok */);

/* Validates, compiles and swaps in a router configuration (JSON: providers, groups,
 * classifier, settings; API.md's shapes). On failure nothing changes. version_out may be NULL. */
SR_API int sr_router_apply_json(sr_router *router, const char *json, size_t len, sr_buf *version_out);
/* Validates and compiles without applying. */
SR_API int sr_config_check_json(const char *json, size_t len);
/* The applied version; SR_EUNAVAILABLE before the first apply. */
SR_API int sr_router_version(const sr_router *router, sr_buf *out);

/* Parses an OpenAI chat-completions body once, decides the group and plans the candidates. */
SR_API int sr_router_route(const sr_router *router, const char *body, size_t len,
                           sr_decision **out /* own */);

/* Test bench: classify a chat body as if its model were "auto", or plain text when is_text
 * is non-zero, with the explanation filled in. */
SR_API int sr_router_classify(const sr_router *router, const char *input, size_t len, int is_text,
                              sr_decision **out /* own */);

SR_API void sr_decision_free(sr_decision *decision /* own, NULL ok */);

typedef enum sr_route_source {
  SR_SOURCE_EXPLICIT = 0,
  SR_SOURCE_RULE = 1,
  SR_SOURCE_CLASSIFIER = 2,
  SR_SOURCE_DEFAULT = 3
} sr_route_source;

typedef enum sr_provider_kind {
  SR_KIND_OPENAI = 0,
  SR_KIND_OPENAI_COMPATIBLE = 1,
  SR_KIND_AZURE = 2,
  SR_KIND_ANTHROPIC = 3,
  SR_KIND_GEMINI = 4,
  SR_KIND_OLLAMA = 5
} sr_provider_kind;

typedef struct sr_decision_info {
  unsigned int version; /* SR_DECISION_INFO_VERSION */
  sr_str group;         /* empty while a judge is pending */
  int source;           /* sr_route_source */
  sr_str model;         /* the model the client asked for */
  size_t model_offset;  /* byte span of the "model" string token in the body, quotes included */
  size_t model_length;
  int stream;           /* non-zero for "stream": true */
  size_t candidates;    /* how many candidates the plan holds */
  int judge_pending;    /* see sr_decision_judge */
} sr_decision_info;
#define SR_DECISION_INFO_VERSION 1
#define SR_DECISION_INFO_INIT { SR_DECISION_INFO_VERSION, { NULL, 0 }, 0, { NULL, 0 }, 0, 0, 0, 0, 0 }

SR_API int sr_decision_info_get(const sr_decision *decision, sr_decision_info *out);

typedef struct sr_candidate {
  unsigned int version; /* SR_CANDIDATE_VERSION */
  sr_str deployment_id;
  sr_str group;
  sr_str provider_id;
  int provider_kind;    /* sr_provider_kind */
  sr_str base_url;
  sr_str api_version;   /* empty when unset */
  sr_str model;         /* the upstream model to put in the body */
  int64_t timeout_ms;
  int cooling;          /* non-zero: planned last because it cools down */
} sr_candidate;
#define SR_CANDIDATE_VERSION 1
#define SR_CANDIDATE_INIT { SR_CANDIDATE_VERSION, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 0, 0 }

/* The next candidate of the plan, in order; SR_ITEROVER when none is left. The strings live
 * as long as the decision. The candidate counts as in flight until it is reported. */
SR_API int sr_decision_next(sr_decision *decision, sr_candidate *out);

/* The decision and its explanation as JSON: {"group", "source", "rule_id"?, "matched"?,
 * "confidence"?, "scores"?, "latency_us", "candidates": [...]} (API.md's classifier test). */
SR_API int sr_decision_explain_json(const sr_decision *decision, sr_buf *out);

/* An LLM-judge classifier needs a model call before the group is known. When the decision
 * waits for it, this gives the group to send `body` to (route it as any request), then
 * sr_router_resolve_judge completes the decision with the reply (len 0: the call failed,
 * use the default group). SR_ENOTFOUND when no judge is pending. */
SR_API int sr_decision_judge(const sr_decision *decision, sr_str *group, sr_str *body);
SR_API int sr_router_resolve_judge(const sr_router *router, sr_decision *decision,
                                   const char *reply, size_t len);

/* ---- outcomes ----------------------------------------------------------------------- */

typedef enum sr_outcome {
  SR_OUTCOME_SUCCESS = 0,
  SR_OUTCOME_CONNECT_ERROR = 1,
  SR_OUTCOME_TIMEOUT = 2,
  SR_OUTCOME_HTTP_408 = 3,
  SR_OUTCOME_HTTP_429 = 4,
  SR_OUTCOME_HTTP_5XX = 5,
  SR_OUTCOME_HTTP_4XX = 6,  /* not retryable; not held against the deployment */
  SR_OUTCOME_CANCELLED = 7  /* the client went away */
} sr_outcome;

/* Non-zero when the next candidate should be tried after this outcome. */
SR_API int sr_outcome_is_retryable(int outcome);
/* The outcome for an upstream HTTP status. */
SR_API int sr_outcome_from_http_status(int status);

/* Reports how the attempt at the candidate last returned by sr_decision_next went; feeds
 * cooldowns and latency. sr_decision_next counts that candidate in flight until this report,
 * the next sr_decision_next, or sr_decision_free. retry_after_ms < 0: none given. */
SR_API int sr_decision_report(const sr_router *router, sr_decision *decision, int outcome,
                              int64_t latency_us, int64_t retry_after_ms);
/* The same by deployment id, against the applied configuration. */
SR_API int sr_router_report(const sr_router *router, sr_str deployment_id, int outcome,
                            int64_t latency_us, int64_t retry_after_ms);

/* Every deployment's health as JSON: [{"deployment_id", "cooling", "cooldown_remaining_ms",
 * "recent_failures", "in_flight", "ewma_latency_us"}]. */
SR_API int sr_router_health_json(const sr_router *router, sr_buf *out);

/* ---- configuration files ------------------------------------------------------------ */

/* The files LiteLLM Proxy and the router read: litellm/config.yaml, router/rules.json and
 * router/settings.json. `json` is a router configuration as sr_router_apply_json takes it (or a
 * store's state); a provider counts as having a key when it carries "has_api_key": true or a
 * sealed key. Keys never appear in the files, only as os.environ/SPAROUTER_KEY_<ID> references.
 * Equal configurations give byte-identical files and the same version. */

/* Generates the files as JSON: {"version": "...", "files": {"litellm/config.yaml": "...",
 * "router/rules.json": "...", "router/settings.json": "..."}, "warnings": [...]} (the answer
 * of API.md's POST /api/generate). */
SR_API int sr_config_generate_json(const char *json, size_t len, sr_buf *out);
/* Generates the files and writes them under out_dir (a NUL-terminated path, created when
 * missing), each atomically; no env file, nothing secret. version_out may be NULL. */
SR_API int sr_config_generate_to_dir(const char *json, size_t len, const char *out_dir,
                                     sr_buf *version_out);
/* Checks the three files of dir: JSON schemas, cross references, and that config.yaml is what
 * the two JSON files generate. On failure sr_error_last()->param is "<file>:<field>", e.g.
 * "router/rules.json:groups[0].name". */
SR_API int sr_config_check_dir(const char *dir);
/* Reads router/rules.json and router/settings.json of dir (checked as sr_config_check_dir
 * does) back into a router configuration JSON, ready for sr_router_apply_json. */
SR_API int sr_config_load_dir(const char *dir, sr_buf *out);

#ifdef __cplusplus
}
#endif

#endif /* SPAROUTER_H */
