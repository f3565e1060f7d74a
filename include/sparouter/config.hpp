// Config generation and apply (issue 4): the stored configuration becomes three files —
// litellm/config.yaml (for LiteLLM Proxy), router/rules.json and router/settings.json (what
// the router needs to serve without the store) — published into CONFIG_DIR as one atomic set.
// I/O happens only in write_config / load_config_dir / check_config_dir.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter {

struct GeneratedFile {
  std::string path;     // relative, "/"-separated: "litellm/config.yaml", ...
  std::string content;  // never a secret: keys appear as os.environ/ references
};

struct GeneratedConfig {
  std::string version;  // hash over the files: the same state gives the same version
  std::vector<GeneratedFile> files;  // in a fixed order: config.yaml, rules.json, settings.json
  std::vector<std::string> warnings;  // e.g. a group left without an enabled deployment
};

// Validates `config` and generates the files deterministically (byte-identical for equal input).
Result<GeneratedConfig> generate_config(const RouterConfig& config);

// The environment variable LiteLLM reads a provider's key from: SPAROUTER_KEY_<ID>, the id
// upper-cased with every character outside [A-Z0-9] turned into '_'.
std::string provider_key_env_name(std::string_view provider_id);

// Lends the clear key of a provider to `use` (Store::with_api_key has this shape). Returns
// kNotFound when the provider has no key.
using KeySource = std::function<Status(std::string_view provider_id,
                                       const std::function<void(std::string_view key)>& use)>;

struct WriteOptions {
  std::string config_dir;             // CONFIG_DIR
  KeySource keys;                     // null: the env file lists no provider keys
  std::string litellm_master_key;     // "" = not written to the env file
  std::function<std::string()> now;   // RFC 3339 UTC; default: the system clock
  size_t keep_versions = 10;          // older version directories are pruned
};

// Writes the files plus the 0600 env file (`litellm/.env`: SPAROUTER_KEY_<ID>=..., and
// LITELLM_MASTER_KEY when set) into a new version directory under config_dir, fsyncs them and
// switches config_dir/current to it atomically. A reader of config_dir/current/... never sees
// files of two versions. On failure nothing visible changes and the error says why.
Result<AppliedVersion> write_config(const GeneratedConfig& generated, const WriteOptions& options);

// Reads router/rules.json + router/settings.json from `dir` (a version directory or
// CONFIG_DIR/current) back into a configuration (providers without keys).
// load(generate(state)) == state minus secrets, health and timestamps: a test proves it.
Result<RouterConfig> load_config_dir(std::string_view dir);

// Validates the three files of `dir` (schemas, cross references, YAML shape) before they ship;
// the errors name the file and field.
Status check_config_dir(std::string_view dir);

}  // namespace sparouter
