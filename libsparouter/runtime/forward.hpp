// The candidate walk: one attempt after another until one answers, with fallback only before
// the first byte reaches the client. Streams go through chunk by chunk as they arrive.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"
#include "http/response_writer.hpp"
#include "runtime/credentials.hpp"
#include "runtime/metrics.hpp"
#include "runtime/runtime.hpp"
#include "runtime/upstream_request.hpp"
#include "sparouter/router.hpp"

namespace sparouter::runtime {

struct ForwardEnv {
  const Router& router;
  Metrics& metrics;
  http::Client& client;
  const Credentials* credentials;  // null: no keys published yet
  size_t max_answer_bytes;
};

struct ForwardPlan {
  const Decision& decision;
  const std::vector<Candidate>& candidates;
  size_t max_attempts = 0;
  bool report_health = true;  // false for LiteLLM: its candidate is not a deployment of ours
  bool override_key = false;  // use `key` instead of the provider's credentials
  std::string_view key;
  ClientCall call;
  // Where a success's headers are built, reused from request to request (no allocation once
  // warm); null: a vector of its own. Only the answer's own coroutine touches it.
  http::Headers* answer_headers = nullptr;
  // The same for the request to the upstream, rebuilt for every attempt.
  http::ClientRequest* upstream_request = nullptr;
};

// Answers the client through `w` (success, the passed-through 4xx, or the "all N attempts
// failed" error) and fills the summary's status, deployment, provider, attempts, error_code.
asio::awaitable<void> forward(ForwardEnv& env, const ForwardPlan& plan, http::ResponseWriter& w,
                              const http::Headers& extra, RequestSummary& summary);

// A whole non-streamed answer for the LLM judge from the candidates of `plan` (fallback as
// above, health reported); "" when every attempt failed. `timeout_ms` caps each attempt. A
// signal on `client_gone` (the chat's client left) stops the call, without fallback.
asio::awaitable<std::string> fetch_judge(ForwardEnv& env, const ForwardPlan& plan,
                                         int64_t timeout_ms, asio::cancellation_slot client_gone);

}  // namespace sparouter::runtime
