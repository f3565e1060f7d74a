// One call to a provider's own model listing, per kind: the health check and the model sync
// are both this call. Short timeouts, never a hang; the key travels only in a header (Gemini
// too: x-goog-api-key rather than ?key=, so it never sits in a URL or a log line).
//   openai, openai_compatible  GET {base_url}/models                 Authorization: Bearer
//   azure                      GET {base_url}/openai/models?api-version=  api-key
//   anthropic                  GET {base_url}/v1/models              x-api-key, anthropic-version
//   gemini                     GET {base_url}/v1beta/models          x-goog-api-key
//   ollama                     GET {base_url}/api/tags               (Bearer when a key is set)
#pragma once

// A standard header must come before Asio's. Asio decides at its first
// include whether aligned_alloc exists (from libstdc++'s config macros); a TU that includes
// it first builds aligned_new on operator new while others free with free() (ASan:
// alloc-dealloc-mismatch on coroutine frames).
// clang-format off
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>
// clang-format on

#include "crypto/secret_string.hpp"
#include "http/client.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::admin {

inline constexpr std::string_view kAnthropicVersion = "2023-06-01";
inline constexpr std::string_view kDefaultAzureApiVersion = "2024-10-21";

// The listing request for `p` with `key` ("" = none) in the kind's header.
http::ClientRequest probe_request(const Provider& p, std::string_view key);

// The model ids of a listing answer: data[].id (OpenAI, Azure, Anthropic and most compatible
// servers), models[].name (Ollama; Gemini without its "models/" prefix).
Result<std::vector<std::string>> parse_model_list(ProviderKind kind, std::string_view body);

struct ProbeOutcome {
  bool answered = false;  // an HTTP response came back
  int http_status = 0;    // when answered
  int64_t latency_ms = 0;
  std::string error;  // "" on 2xx; otherwise why, e.g. "connect: Connection refused", "HTTP 401"
  std::string body;   // the answer's body (2xx only)
  bool ok() const { return answered && http_status >= 200 && http_status < 300; }
};

// Runs the listing call on the current executor with every client timeout set to `timeout`.
// Arguments are taken by value: the coroutine owns them.
asio::awaitable<ProbeOutcome> probe(Provider provider, crypto::SecretString key,
                                    http::ClientOptions options, std::chrono::milliseconds timeout);

}  // namespace sparouter::admin
