// Checks a whole router configuration against API.md's rules and names the first offending
// field. What needs a compiler (regexes, the classifier's training) is checked when the
// configuration compiles (router/), with the same kind of error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/fallback_graph.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::model {

Status validate(const RouterConfig& config);

// http:// or https:// followed by a host.
bool is_http_url(std::string_view url);

}  // namespace sparouter::model
