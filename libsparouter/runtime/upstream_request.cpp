#include "runtime/upstream_request.hpp"

#include "http/url.hpp"
#include "runtime/anthropic.hpp"
#include "runtime/body_splice.hpp"
#include "runtime/gemini.hpp"

namespace sparouter::runtime {

namespace {
constexpr std::string_view kDefaultAzureApiVersion = "2024-06-01";

void common_headers(http::ClientRequest& r, const ClientCall& call) {
  r.headers.reserve(5);  // these, a credential and a version: one allocation
  r.headers.push_back({"Content-Type", "application/json"});
  r.headers.push_back({"Accept", call.stream ? "text/event-stream" : "application/json"});
  if (!call.request_id.empty()) r.headers.push_back({"x-request-id", std::string(call.request_id)});
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
  std::string out;
  out.reserve(base.size() + path.size());  // one allocation
  out.append(base).append(path);
  return out;
}

Result<http::ClientRequest> build_upstream_request(const Candidate& c, std::string_view key,
                                                   const ClientCall& call) {
  http::ClientRequest r;
  r.method = "POST";
  common_headers(r, call);
  if (c.timeout_ms > 0) {
    r.first_byte_timeout = std::chrono::milliseconds(c.timeout_ms);
    if (!call.stream) r.total_timeout = std::chrono::milliseconds(c.timeout_ms);
  }
  switch (c.provider_kind) {
    case ProviderKind::kOpenai:
    case ProviderKind::kOpenaiCompatible:
      r.url = join_url(c.base_url, "/chat/completions");
      if (!key.empty()) r.headers.push_back({"Authorization", "Bearer " + std::string(key)});
      break;
    case ProviderKind::kOllama:
      r.url = join_url(c.base_url, "/v1/chat/completions");
      if (!key.empty()) r.headers.push_back({"Authorization", "Bearer " + std::string(key)});
      break;
    case ProviderKind::kAzure: {
      std::string path = "/openai/deployments/" + http::percent_encode_segment(c.model) +
                         "/chat/completions?api-version=";
      path += c.api_version.empty() ? kDefaultAzureApiVersion : c.api_version;
      r.url = join_url(c.base_url, path);
      if (!key.empty()) r.headers.push_back({"api-key", std::string(key)});
      break;
    }
    case ProviderKind::kAnthropic: {
      r.url = join_url(c.base_url, "/v1/messages");
      if (!key.empty()) r.headers.push_back({"x-api-key", std::string(key)});
      r.headers.push_back({"anthropic-version", "2023-06-01"});
      auto body = anthropic::translate_request(call.body, c.model, call.stream);
      if (!body) return body.error();
      r.body = std::move(body.value());
      return r;
    }
    case ProviderKind::kGemini: {
      // The key goes in a header, never in the URL (?key=), which logs and errors may show.
      r.url = join_url(c.base_url, gemini::request_path(c.base_url, c.model, call.stream));
      if (!key.empty()) r.headers.push_back({"x-goog-api-key", std::string(key)});
      auto body = gemini::translate_request(call.body, c.model);
      if (!body) return body.error();
      r.body = std::move(body.value());
      return r;
    }
  }
  r.body = splice_model(call.body, call.model_offset, call.model_length, c.model);
  return r;
}

}  // namespace sparouter::runtime
