// GET /v1/models: OpenAI's list shape over the applied groups and the auto model names.
#pragma once

#include <string>

#include "sparouter/types.hpp"

namespace sparouter::runtime {

// {"object":"list","data":[{"id","object":"model","created":0,"owned_by":"sparouter"}, ...]}:
// the auto model names first, then the groups in configuration order. Null config: ["auto"].
std::string models_list_json(const RouterConfig* config);

}  // namespace sparouter::runtime
