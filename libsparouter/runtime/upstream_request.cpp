#include "runtime/upstream_request.hpp"

#include <chrono>
#include <string>

#include "http/url.hpp"
#include "runtime/anthropic.hpp"
#include "runtime/body_splice.hpp"
#include "runtime/gemini.hpp"

namespace sparouter::runtime {

namespace {
constexpr std::string_view kDefaultAzureApiVersion = "2024-06-01";

// Writes headers over an existing vector: its strings keep their capacity.
class HeaderFiller {
 public:
  explicit HeaderFiller(http::Headers& h) : h_(h) {
    h_.reserve(5);  // the common ones, a credential and a version: one allocation
  }
  ~HeaderFiller() { h_.resize(n_); }
  HeaderFiller(const HeaderFiller&) = delete;
  HeaderFiller& operator=(const HeaderFiller&) = delete;

  std::string& put(std::string_view name, std::string_view value) {
    if (n_ == h_.size()) h_.emplace_back();
    h_[n_].name.assign(name);
    return h_[n_++].value.assign(value);
  }

 private:
  http::Headers& h_;
  size_t n_ = 0;
};

void common_headers(HeaderFiller& h, const ClientCall& call) {
  h.put("Content-Type", "application/json");
  h.put("Accept", call.stream ? "text/event-stream" : "application/json");
  if (!call.request_id.empty()) h.put("x-request-id", call.request_id);
}
}  // namespace

std::string_view kind_name(ProviderKind kind) noexcept {
  switch (kind) {
    case ProviderKind::kOpenai:
      return "openai";
    case ProviderKind::kOpenaiCompatible:
      return "openai_compatible";
    case ProviderKind::kAzure:
      return "azure";
    case ProviderKind::kAnthropic:
      return "anthropic";
    case ProviderKind::kGemini:
      return "gemini";
    case ProviderKind::kOllama:
      return "ollama";
  }
  return "openai";
}

std::string join_url(std::string_view base, std::string_view path) {
  std::string out;
  join_url_into(out, base, path);
  return out;
}

void join_url_into(std::string& out, std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  // "/v1/messages" on a base ending in "/v1": drop the repeated segment.
  if (path.size() > 1) {
    const size_t slash = path.find('/', 1);
    const std::string_view first = path.substr(0, slash);  // "/v1"
    if (slash != std::string_view::npos && base.size() >= first.size() &&
        base.substr(base.size() - first.size()) == first) {
      path.remove_prefix(first.size());
    }
  }
  out.clear();
  out.reserve(base.size() + path.size());  // at most one allocation
  out.append(base).append(path);
}

Result<http::ClientRequest> build_upstream_request(const Candidate& c, std::string_view key,
                                                   const ClientCall& call) {
  http::ClientRequest r;
  if (Status st = build_upstream_request_into(r, c, key, call); !st.ok()) return st.error();
  return r;
}

Status build_upstream_request_into(http::ClientRequest& r, const Candidate& c,
                                   std::string_view key, const ClientCall& call) {
  r.method.assign("POST");
  r.splice = {};
  r.first_byte_timeout = r.total_timeout = std::chrono::milliseconds(0);
  if (c.timeout_ms > 0) {
    r.first_byte_timeout = std::chrono::milliseconds(c.timeout_ms);
    if (!call.stream) r.total_timeout = std::chrono::milliseconds(c.timeout_ms);
  }
  HeaderFiller h(r.headers);
  common_headers(h, call);
  switch (c.provider_kind) {
    case ProviderKind::kOpenai:
    case ProviderKind::kOpenaiCompatible:
      join_url_into(r.url, c.base_url, "/chat/completions");
      if (!key.empty()) h.put("Authorization", "Bearer ").append(key);
      break;
    case ProviderKind::kOllama:
      join_url_into(r.url, c.base_url, "/v1/chat/completions");
      if (!key.empty()) h.put("Authorization", "Bearer ").append(key);
      break;
    case ProviderKind::kAzure: {
      std::string path = "/openai/deployments/" + http::percent_encode_segment(c.model) +
                         "/chat/completions?api-version=";
      path += c.api_version.empty() ? kDefaultAzureApiVersion : c.api_version;
      join_url_into(r.url, c.base_url, path);
      if (!key.empty()) h.put("api-key", key);
      break;
    }
    case ProviderKind::kAnthropic: {
      join_url_into(r.url, c.base_url, "/v1/messages");
      if (!key.empty()) h.put("x-api-key", key);
      h.put("anthropic-version", "2023-06-01");
      auto body = anthropic::translate_request(call.body, c.model, call.stream);
      if (!body) return body.error();
      r.body = std::move(body.value());
      return {};
    }
    case ProviderKind::kGemini: {
      // The key goes in a header, never in the URL (?key=), which logs and errors may show.
      join_url_into(r.url, c.base_url, gemini::request_path(c.base_url, c.model, call.stream));
      if (!key.empty()) h.put("x-goog-api-key", key);
      auto body = gemini::translate_request(call.body, c.model);
      if (!body) return body.error();
      r.body = std::move(body.value());
      return {};
    }
  }
  const bool span_in_body = call.model_length > 0 && call.model_offset <= call.body.size() &&
                            call.model_length <= call.body.size() - call.model_offset;
  if (!span_in_body) {  // no model token to replace: the body as it came
    r.body.assign(call.body);
    return {};
  }
  // The client's bytes go out as they are, around the new model token: nothing copied here.
  r.body.clear();
  append_json_string(r.body, c.model);
  r.splice = {call.body, call.model_offset, call.model_length};
  return {};
}

}  // namespace sparouter::runtime
