// GET /v1/models and GET /v1/models/{model}: OpenAI's list and model shapes over the applied
// groups and the auto model names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sparouter/types.hpp"

namespace sparouter::runtime {

// {"object":"list","data":[{"id","object":"model","created":0,"owned_by":"sparouter"}, ...]}:
// the auto model names first, then the groups in configuration order. Null config: ["auto"].
std::string models_list_json(const RouterConfig* config);

// {"id","object":"model","created":0,"owned_by":"sparouter"} when `id` is one of the list's
// models, else nullopt.
std::optional<std::string> model_json(const RouterConfig* config, std::string_view id);

}  // namespace sparouter::runtime
