// The table of /api/* endpoints: method + path pattern -> handler, and the matching that tells
// an unknown path (404) from a wrong method on a known one (405 with Allow).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "admin/handlers.hpp"

namespace sparouter::admin {

struct Route {
  std::string_view method;
  std::string_view pattern;  // "/api/providers/{}/models": "{}" takes one path segment
  SyncHandler sync = nullptr;
  AsyncHandler async = nullptr;
  bool always_token = false;  // apply: the token is needed even with ADMIN_AUTH=apply
};

struct RouteMatch {
  const Route* route = nullptr;  // set when both path and method match
  bool path_known = false;       // some route has this path
  bool always_token = false;     // some route of this path always needs the token
  std::vector<std::string> params;
  std::string allow;  // the methods of this path, "GET, POST" (plus OPTIONS)
};

RouteMatch match_route(const std::vector<std::string>& segments, std::string_view method);

}  // namespace sparouter::admin
