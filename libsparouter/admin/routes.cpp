#include "admin/routes.hpp"

#include <array>

namespace sparouter::admin {
namespace {

// API.md's tables, plus GET on single providers, groups and deployments (plain REST habit)
// /api/settings (the routing settings API.md says are edited through the API) and
// /api/generate/active (the files that run, for the console's diff).
constexpr std::array kRoutes{
    Route{"GET", "/api/providers", list_providers},
    Route{"POST", "/api/providers", create_provider},
    Route{"GET", "/api/providers/{}", get_provider},
    Route{"PUT", "/api/providers/{}", update_provider},
    Route{"DELETE", "/api/providers/{}", delete_provider},
    Route{"POST", "/api/providers/{}/sync-models", nullptr, sync_provider_models},
    Route{"GET", "/api/providers/{}/models", list_provider_models},
    Route{"POST", "/api/providers/{}/models", import_provider_models},
    Route{"POST", "/api/providers/{}/health-check", nullptr, check_provider_health},
    Route{"GET", "/api/routing/groups", list_groups},
    Route{"POST", "/api/routing/groups", create_group},
    Route{"GET", "/api/routing/groups/{}", get_group},
    Route{"PUT", "/api/routing/groups/{}", update_group},
    Route{"DELETE", "/api/routing/groups/{}", delete_group},
    Route{"POST", "/api/routing/groups/{}/deployments", create_deployment},
    Route{"GET", "/api/routing/deployments/{}", get_deployment},
    Route{"PUT", "/api/routing/deployments/{}", update_deployment},
    Route{"DELETE", "/api/routing/deployments/{}", delete_deployment},
    Route{"GET", "/api/classifier/config", get_classifier},
    Route{"PUT", "/api/classifier/config", put_classifier},
    Route{"POST", "/api/classifier/test", nullptr, test_classifier},
    Route{"GET", "/api/settings", get_settings},
    Route{"PUT", "/api/settings", put_settings},
    Route{"POST", "/api/generate", generate},
    Route{"GET", "/api/generate/active", active_files},
    Route{"POST", "/api/apply", apply, nullptr, true},
    Route{"GET", "/api/status", status},
};

// Matches `segments` against `pattern`; fills `params` on success.
bool match_path(std::string_view pattern, const std::vector<std::string>& segments,
                std::vector<std::string>& params) {
  params.clear();
  size_t i = 0;
  size_t pos = 1;  // past the leading '/'
  while (pos <= pattern.size()) {
    size_t slash = pattern.find('/', pos);
    if (slash == std::string_view::npos) slash = pattern.size();
    std::string_view part = pattern.substr(pos, slash - pos);
    if (i >= segments.size()) return false;
    if (part == "{}") {
      params.push_back(segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
    ++i;
    pos = slash + 1;
  }
  return i == segments.size();
}

}  // namespace

RouteMatch match_route(const std::vector<std::string>& segments, std::string_view method) {
  RouteMatch m;
  std::vector<std::string> params;
  // HEAD is GET without the body (RFC 9110; the connection drops the body), as on /v1/models.
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& r : kRoutes) {
    if (!match_path(r.pattern, segments, params)) continue;
    m.path_known = true;
    m.always_token = m.always_token || r.always_token;
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += r.method;
    if (r.method == "GET") m.allow += ", HEAD";
    if (r.method == wanted && m.route == nullptr) {
      m.route = &r;
      m.params = params;
    }
  }
  if (m.path_known) m.allow += ", OPTIONS";
  return m;
}

}  // namespace sparouter::admin
