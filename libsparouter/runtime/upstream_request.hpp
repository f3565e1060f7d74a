// The HTTP request for one attempt at one deployment, per provider kind: URL, credentials,
// the spliced (or, for Anthropic and Gemini, translated) body, and the few client headers that
// may go on.
#pragma once

#include <string>
#include <string_view>

#include "http/client.hpp"
#include "sparouter/result.hpp"
#include "sparouter/router.hpp"

namespace sparouter::runtime {

// The client's request as parsed once by the router.
struct ClientCall {
  std::string_view body;
  size_t model_offset = 0;
  size_t model_length = 0;
  bool stream = false;
  std::string_view request_id;  // forwarded as x-request-id when set
};

std::string_view kind_name(ProviderKind kind) noexcept;

// "base" + "/path", with exactly one slash between; when the base already ends in the first
// segment of `path` (e.g. ".../v1" and "/v1/messages") that segment is not repeated.
std::string join_url(std::string_view base, std::string_view path);
void join_url_into(std::string& out, std::string_view base, std::string_view path);

// The upstream request for `c`:
// - openai, openai_compatible: POST {base}/chat/completions, Authorization: Bearer <key>;
// - azure: POST {base}/openai/deployments/{model}/chat/completions?api-version=V, api-key;
// - ollama: POST {base}/v1/chat/completions (its OpenAI-compatible endpoint), no key;
// - anthropic: POST {base}/v1/messages, x-api-key, anthropic-version, translated body;
// - gemini: POST {base}/v1beta/models/{model}:generateContent (:streamGenerateContent?alt=sse
//   for a stream), x-goog-api-key, translated body.
// A body the provider's protocol cannot express is an error with Error::param set (a 400).
// `key` is "" when the provider has none (then no credential header at all). The deployment's
// timeout caps the first byte (and, for a non-streamed answer, the whole exchange).
Result<http::ClientRequest> build_upstream_request(const Candidate& c, std::string_view key,
                                                   const ClientCall& call);
// The same, written over every field of `r`: its strings and vector keep their capacity, so a
// request recycled from one client request to the next is built without allocating.
Status build_upstream_request_into(http::ClientRequest& r, const Candidate& c,
                                   std::string_view key, const ClientCall& call);

}  // namespace sparouter::runtime
