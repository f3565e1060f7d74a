// router/rules.json and router/settings.json: what the router needs to serve without the
// store. rules.json holds the providers as references (id, name, kind, base_url, api_version,
// enabled, has_api_key: never a key, no health, no models), the groups with their deployments
// and the classifier with its examples; settings.json the runtime settings. Both carry
// "schema_version": 1 and are described by schema/*.schema.json; the decoders here enforce the
// same rules (every key required, no unknown key, null only where the schema allows it) and
// then the model's validate().
#pragma once

#include <string>
#include <string_view>

#include "config/litellm_yaml.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::config {

inline constexpr int kSchemaVersion = 1;

// Pretty-printed (2 spaces), keys in a fixed order, ending in a newline.
std::string encode_rules_json(const RouterConfig& canonical, const IdSet& keyed);
std::string encode_settings_json(const Settings& settings);

struct RouterFiles {
  RouterConfig config;  // without keys; the order of the files
  IdSet keyed;          // providers whose has_api_key is true
};

// Errors carry param "<file>:<json path>" (e.g. "router/rules.json:groups[0].name").
Result<RouterFiles> decode_router_files(std::string_view rules_json,
                                        std::string_view settings_json);

}  // namespace sparouter::config
