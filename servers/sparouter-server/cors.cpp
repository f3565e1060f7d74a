#include "cors.hpp"

#include <string_view>

namespace sparouter::server {
namespace {

constexpr const char* kExposed =
    "x-request-id, x-sparouter-group, x-sparouter-deployment, x-sparouter-provider, "
    "x-sparouter-route-source, x-sparouter-attempts";
constexpr const char* kAllowedHeaders =
    "authorization, content-type, x-admin-token, x-request-id, openai-organization, "
    "openai-project, x-stainless-lang, x-stainless-package-version, x-stainless-os, "
    "x-stainless-arch, x-stainless-runtime, x-stainless-runtime-version, x-stainless-retry-count, "
    "x-stainless-timeout";

// Access-Control-Request-Headers as a browser sends it: header names (tokens) separated by
// commas and spaces, of a sane length. The OpenAI SDKs add x-stainless-* headers from version
// to version, so an allowed origin gets the names it asks for instead of a list that ages.
bool plain_header_list(std::string_view v) {
  if (v.empty() || v.size() > 1024) return false;
  for (const char c : v) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!token && c != ',' && c != ' ') return false;
  }
  return true;
}

}  // namespace

const std::string* Cors::allowed_origin(const http::Request& request) const {
  const std::string* origin = request.header("Origin");
  if (origin == nullptr) return nullptr;
  for (const auto& o : origins_) {
    if (o == "*" || http::iequals(o, *origin)) return origin;
  }
  return nullptr;
}

void Cors::add_headers(const http::Request& request, http::Headers& out) const {
  if (!enabled()) return;
  // Every answer depends on Origin once CORS is on, those without CORS headers too: a shared
  // cache must not hand one origin's answer (or a no-Origin one) to another.
  out.push_back({"Vary", "Origin"});
  const std::string* origin = allowed_origin(request);
  if (origin == nullptr) return;
  out.push_back({"Access-Control-Allow-Origin", *origin});
  out.push_back({"Access-Control-Expose-Headers", kExposed});
}

bool Cors::is_preflight(const http::Request& request) {
  return request.method == "OPTIONS" &&
         request.header("Access-Control-Request-Method") != nullptr;
}

int Cors::preflight(const http::Request& request, http::Headers& out) const {
  const std::string* origin = enabled() ? allowed_origin(request) : nullptr;
  out.push_back({"Vary", "Origin, Access-Control-Request-Headers"});  // the answer echoes both
  if (origin == nullptr) return 403;
  out.push_back({"Access-Control-Allow-Origin", *origin});
  out.push_back({"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"});
  const std::string* asked = request.header("Access-Control-Request-Headers");
  out.push_back({"Access-Control-Allow-Headers",
                 asked != nullptr && plain_header_list(*asked) ? *asked : kAllowedHeaders});
  out.push_back({"Access-Control-Max-Age", "600"});
  return 204;
}

}  // namespace sparouter::server
