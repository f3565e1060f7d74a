// The /v1/* pipeline: authenticate, parse once and route (Router::route), ask the LLM judge when
// the classifier is one, then forward to the planned deployments with fallback before the first
// byte, passing streams through chunk by chunk. The server calls one method per endpoint.
//
// Threading: one Runtime serves every server worker. Each worker thread makes its own
// http::Client on first use (Clients are not thread-safe) and keeps it in a thread_local until
// the thread exits, which Server::shutdown() does before destroying its io_contexts: teardown
// order does not matter. A handler on an executor that was not attached (or on the
// shared-context thread model, where one context is run by every thread) gets a Client of its
// own for that request (no pooling across requests).
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/secret_string.hpp"
#include "http/client.hpp"
#include "http/message.hpp"
#include "http/response_writer.hpp"
#include "runtime/credentials.hpp"
#include "sparouter/router.hpp"

namespace sparouter::runtime {

class Metrics;

struct RuntimeOptions {
  // "direct" | "litellm"; the applied Settings::upstream_mode overrides it when it is not
  // "direct" (the default), and Settings::litellm_base_url overrides litellm_base_url when set.
  std::string upstream_mode = "direct";
  // LITELLM_BASE_URL, e.g. "http://litellm:4000" or "http://litellm:4000/v1": requests go to
  // <base>/chat/completions when the base ends in /v1, else to <base>/v1/chat/completions.
  std::string litellm_base_url;
  crypto::SecretString litellm_master_key;            // LITELLM_MASTER_KEY; empty = no header
  std::vector<crypto::SecretString> router_api_keys;  // ROUTER_API_KEYS; empty = /v1 is open
  // Connect timeout, TLS, pool. A deployment's timeout_ms caps the first byte of each attempt
  // (and the whole exchange when not streaming); streams are bounded by client.total_timeout.
  http::ClientOptions client;
  size_t max_body_bytes = 8u << 20;  // request bodies (413 above); the server caps them first
};
// What crosses: upstream gets the client's body with `model` spliced, Content-Type, Accept,
// the provider's credential header and x-request-id (from extra_headers); no other client
// header. The client gets the upstream's Content-Type and x-ratelimit-* headers, the
// x-sparouter-* headers and extra_headers. Non-streamed upstream answers are capped at 64 MiB.

// What the server's access log and metrics need about one /v1 request.
struct RequestSummary {
  int status = 0;            // what the client got (0: the client went away before a head)
  std::string group;         // "" when routing failed
  std::string deployment;    // the deployment that answered (or was tried last)
  std::string provider;      // its provider id
  std::string route_source;  // "explicit" | "rule" | "classifier" | "default" | ""
  int attempts = 0;          // upstream attempts (the judge call not counted)
  int64_t latency_us = 0;    // from the call to the last byte sent
  bool stream = false;
  // The error object's code when status >= 400 ("upstream_<status>" for a provider's own 4xx
  // passed through); "upstream_stream_failed" when a stream broke after its 200 head.
  std::string error_code;
};

class Runtime {
 public:
  // `router` and `metrics` must outlive the Runtime.
  Runtime(Router& router, Metrics& metrics, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The server's workers (Server::worker_executors(), after Server::start()): their threads
  // keep a pooled Client each. Fails when a Client cannot be made (bad CA bundle).
  Status attach_workers(const std::vector<asio::any_io_executor>& executors);
  // Forgets the workers: requests after it (e.g. during shutdown) make their own Client. Safe in
  // any order with Server::shutdown(); optional.
  void detach_workers();

  // The clear provider keys; swap them at apply, before Router::apply, so that every snapshot
  // a request can see has its keys. Thread-safe.
  void set_credentials(CredentialsPtr credentials);
  CredentialsPtr credentials() const;

  // POST /v1/chat/completions. Always answers (every error in the API error object) unless the
  // client went away. `extra_headers` (x-request-id, CORS, ...) go on every answer. How it
  // went is written to `summary` (the caller's: a result held in this coroutine's frame would
  // push the frame past Asio's recycling limit).
  asio::awaitable<void> chat_completions(http::Request& req, http::ResponseWriter& w,
                                         const http::Headers& extra_headers,
                                         RequestSummary& summary);
  // GET /v1/models: the applied groups plus every auto model name, OpenAI's list shape.
  asio::awaitable<void> list_models(http::Request& req, http::ResponseWriter& w,
                                    const http::Headers& extra_headers, RequestSummary& summary);
  // Completes a decision whose judge_pending is set (the "llm" classifier) by asking the judge
  // group's model of the applied configuration, as a chat would: for the admin's test bench.
  // Its verdict, or the default group when the judge fails (Router::resolve_judge). Runs on a
  // worker's executor.
  asio::awaitable<Status> judge(Decision& decision);
  // GET /v1/models/{model} (`id` already decoded): one of the list's models, or 404
  // model_not_found as for an unknown model in a chat.
  asio::awaitable<void> retrieve_model(http::Request& req, http::ResponseWriter& w,
                                       const http::Headers& extra_headers, RequestSummary& summary,
                                       std::string id);

  // ROUTER_API_KEYS check of `Authorization: Bearer <key>` (constant time); true when open.
  bool authorized(const http::Request& req) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::runtime
