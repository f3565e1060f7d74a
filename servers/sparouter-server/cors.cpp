#include "cors.hpp"

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
  const std::string* origin = allowed_origin(request);
  if (origin == nullptr) return;
  out.push_back({"Access-Control-Allow-Origin", *origin});
  out.push_back({"Access-Control-Expose-Headers", kExposed});
  out.push_back({"Vary", "Origin"});
}

bool Cors::is_preflight(const http::Request& request) {
  return request.method == "OPTIONS" &&
         request.header("Access-Control-Request-Method") != nullptr;
}

int Cors::preflight(const http::Request& request, http::Headers& out) const {
  const std::string* origin = enabled() ? allowed_origin(request) : nullptr;
  out.push_back({"Vary", "Origin"});
  if (origin == nullptr) return 403;
  out.push_back({"Access-Control-Allow-Origin", *origin});
  out.push_back({"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"});
  out.push_back({"Access-Control-Allow-Headers", kAllowedHeaders});
  out.push_back({"Access-Control-Max-Age", "600"});
  return 204;
}

}  // namespace sparouter::server
