#include "admin/provider_probe.hpp"

#include <rapidjson/document.h>

#include <asio/this_coro.hpp>
#include <cctype>

#include "common/json_nesting.hpp"
#include "http/client_error.hpp"

namespace sparouter::admin {
namespace {

constexpr size_t kMaxListingBytes = 16 * 1024 * 1024;

std::string_view trim_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

// Query values: everything outside RFC 3986's unreserved set is escaped.
std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string describe(const http::ClientError& e) {
  std::string s = http::client_errc_name(e.code);
  if (e.code == http::ClientErrc::kTimeout) {
    s += " (";
    s += http::timeout_phase_name(e.phase);
    s += ")";
  }
  if (!e.message.empty()) {
    s += ": ";
    s += e.message;
  }
  return s;
}

// data[] or models[]: each a string or an object with id (or name).
bool collect(const rapidjson::Value& arr, bool strip_models_prefix, std::vector<std::string>& out) {
  if (!arr.IsArray()) return false;
  for (const auto& item : arr.GetArray()) {
    std::string id;
    if (item.IsString()) {
      id.assign(item.GetString(), item.GetStringLength());
    } else if (item.IsObject()) {
      for (const char* key : {"id", "name", "model"}) {
        auto it = item.FindMember(key);
        if (it != item.MemberEnd() && it->value.IsString()) {
          id.assign(it->value.GetString(), it->value.GetStringLength());
          break;
        }
      }
    }
    if (strip_models_prefix && id.starts_with("models/")) id.erase(0, 7);
    if (!id.empty()) out.push_back(std::move(id));
  }
  return true;
}

}  // namespace

http::ClientRequest probe_request(const Provider& p, std::string_view key) {
  http::ClientRequest req;
  req.method = "GET";
  std::string_view base = trim_slashes(p.base_url);
  req.headers.push_back({"Accept", "application/json"});
  switch (p.kind) {
    case ProviderKind::kOpenai:
    case ProviderKind::kOpenaiCompatible:
      req.url = std::string(base) + "/models";
      if (!key.empty()) req.headers.push_back({"Authorization", "Bearer " + std::string(key)});
      break;
    case ProviderKind::kAzure: {
      if (ends_with(base, "/openai")) base.remove_suffix(7);
      std::string_view version =
          p.api_version && !p.api_version->empty() ? *p.api_version : kDefaultAzureApiVersion;
      req.url = std::string(base) + "/openai/models?api-version=" + query_escape(version);
      if (!key.empty()) req.headers.push_back({"api-key", std::string(key)});
      break;
    }
    case ProviderKind::kAnthropic:
      req.url =
          std::string(base) + (ends_with(base, "/v1") ? "/models" : "/v1/models") + "?limit=1000";
      if (!key.empty()) req.headers.push_back({"x-api-key", std::string(key)});
      req.headers.push_back({"anthropic-version", std::string(kAnthropicVersion)});
      break;
    case ProviderKind::kGemini:
      req.url =
          std::string(base) +
          (ends_with(base, "/v1beta") || ends_with(base, "/v1") ? "/models" : "/v1beta/models") +
          "?pageSize=1000";
      if (!key.empty()) req.headers.push_back({"x-goog-api-key", std::string(key)});
      break;
    case ProviderKind::kOllama:
      req.url = std::string(base) + "/api/tags";
      if (!key.empty()) req.headers.push_back({"Authorization", "Bearer " + std::string(key)});
      break;
  }
  return req;
}

Result<std::vector<std::string>> parse_model_list(ProviderKind kind, std::string_view body) {
  rapidjson::Document doc;
  // An answer nested deep enough would overflow rapidjson's recursion: refused unparsed.
  if (json_nesting_within(body)) doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Error{Code::kInvalid, "the model list is not a JSON object", ""};
  }
  const bool strip = kind == ProviderKind::kGemini;
  std::vector<std::string> ids;
  auto data = doc.FindMember("data");
  auto models = doc.FindMember("models");
  bool found = false;
  if (data != doc.MemberEnd()) found = collect(data->value, strip, ids);
  if (!found && models != doc.MemberEnd()) found = collect(models->value, strip, ids);
  if (!found) return Error{Code::kInvalid, "the answer has no data[] or models[] list", ""};
  return ids;
}

asio::awaitable<ProbeOutcome> probe(Provider provider, crypto::SecretString key,
                                    http::ClientOptions options,
                                    std::chrono::milliseconds timeout) {
  options.connect_timeout = timeout;
  options.first_byte_timeout = timeout;
  options.total_timeout = timeout;
  ProbeOutcome out;
  // One client per call, on this coroutine's executor: Client is not thread-safe, and a probe
  // is rare enough that pooling across calls buys nothing.
  asio::any_io_executor executor = co_await asio::this_coro::executor;
  Result<std::unique_ptr<http::Client>> client = http::Client::create(executor, options);
  if (!client.ok()) {
    out.error = "client: " + client.error().message;
    co_return out;
  }
  http::ClientRequest request = probe_request(provider, key.view());
  const auto t0 = std::chrono::steady_clock::now();
  http::ClientResult<http::ClientResponse> response =
      co_await client.value()->fetch(request, kMaxListingBytes);
  out.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  for (auto& h : request.headers) crypto::wipe(h.value);  // the key sat in one of them
  if (!response.ok()) {
    out.error = describe(response.error());
    co_return out;
  }
  out.answered = true;
  out.http_status = response.value().status;
  if (out.ok()) {
    out.body = std::move(response.value().body);
  } else {
    out.error =
        "HTTP " + std::to_string(out.http_status) + " " + http::reason_phrase(out.http_status);
  }
  co_return out;
}

}  // namespace sparouter::admin
