// litellm/config.yaml from a canonical configuration (see canonical_config), following what
// LiteLLM Proxy really accepts (shared/reference/litellm-config.md):
// - one model_list entry per usable deployment (enabled, provider enabled, weight > 0):
//   model_name = group, litellm_params.model with an explicit provider prefix, api_base where
//   the prefix needs one, api_key only as "os.environ/SPAROUTER_KEY_<ID>", weight on every
//   entry, order = the rank (1, 2, ...) of the deployment's priority inside its group, timeout
//   in seconds, model_info.id = deployment id;
// - router_settings: simple-shuffle, enable_pre_call_checks (order needs it in older
//   versions), num_retries, allowed_fails, cooldown_time, timeout, fallbacks as a list of
//   single-key mappings of lists, without groups that have no usable deployment;
// - general_settings.master_key as os.environ/LITELLM_MASTER_KEY.
// Every string is double-quoted (yaml_scalar.hpp).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::config {

using IdSet = std::set<std::string, std::less<>>;

struct LitellmYaml {
  std::string text;
  std::vector<std::string> warnings;
  std::vector<std::string> key_providers;  // providers whose key the file references, sorted
};

// `keyed` lists the providers that have an API key (the canonical config has no key fields).
Result<LitellmYaml> render_litellm_yaml(const RouterConfig& canonical, const IdSet& keyed);

}  // namespace sparouter::config
