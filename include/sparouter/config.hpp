// Config generation and apply (issue 4): the stored configuration becomes three files —
// litellm/config.yaml (for LiteLLM Proxy), router/rules.json and router/settings.json (what
// the router needs to serve without the store) — published into CONFIG_DIR as one atomic set.
// I/O happens only in write_config / write_generated_files / load_config_dir /
// check_config_dir / link_config_dir. The JSON Schemas of rules.json and settings.json are
// installed to share/sparouter/schema/ (libsparouter/config/schema/ in the source tree).
//
// CONFIG_DIR layout after write_config:
//   versions/<UTC yyyymmddThhmmssZ>-<version>/{litellm/config.yaml, litellm/.env,
//                                              router/rules.json, router/settings.json}
//   current -> versions/<...>   (a relative symlink, switched with one rename())
//   litellm -> current/litellm, router -> current/router   (made once; see link_config_dir)
// Readers use CONFIG_DIR/current/...; LiteLLM reads current/litellm/config.yaml and its
// container takes current/litellm/.env as env file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter {

inline constexpr std::string_view kLitellmConfigPath = "litellm/config.yaml";
inline constexpr std::string_view kRulesPath = "router/rules.json";
inline constexpr std::string_view kSettingsPath = "router/settings.json";
inline constexpr std::string_view kEnvFilePath = "litellm/.env";  // 0600, apply only

struct GeneratedFile {
  std::string path;     // relative, "/"-separated: "litellm/config.yaml", ...
  std::string content;  // never a secret: keys appear as os.environ/ references
};

struct GeneratedConfig {
  // First 16 hex digits of SHA-256 over every file in order, each as
  // "<path>\n<byte length>\n<content>": the same state gives the same version.
  std::string version;
  std::vector<GeneratedFile> files;   // in a fixed order: config.yaml, rules.json, settings.json
  std::vector<std::string> warnings;  // e.g. a group left without a usable deployment
  // Ids of the providers whose keys config.yaml references (os.environ/SPAROUTER_KEY_<ID>),
  // sorted: write_config puts exactly these into the env file.
  std::vector<std::string> key_providers;
};

// Validates `config` and generates the files deterministically (byte-identical for equal
// input, whatever the order of providers, groups and deployments).
Result<GeneratedConfig> generate_config(const RouterConfig& config);

// What the generated files keep of a configuration, in their canonical order: providers sorted
// by id, groups by name, deployments by id (rules, fallbacks, labels, examples and auto_models
// keep their order: it means something); sealed key, mask, model lists, health and timestamps
// cleared. load_config_dir(files of generate_config(c)) == canonical_config(c).
RouterConfig canonical_config(const RouterConfig& config);

// The environment variable LiteLLM reads a provider's key from: SPAROUTER_KEY_<ID>, the id
// upper-cased with every character outside [A-Z0-9] turned into '_'.
std::string provider_key_env_name(std::string_view provider_id);

// Lends the clear key of a provider to `use` (Store::with_api_key has this shape). Returns
// kNotFound when the provider has no key.
using KeySource = std::function<Status(std::string_view provider_id,
                                       const std::function<void(std::string_view key)>& use)>;

struct WriteOptions {
  std::string config_dir;            // CONFIG_DIR
  KeySource keys;                    // null: the env file lists no provider keys
  std::string litellm_master_key;    // "" = not written to the env file
  std::function<std::string()> now;  // RFC 3339 UTC; default: the system clock
  size_t keep_versions = 10;         // older version directories are pruned (min 1)
};

// Writes the files plus the 0600 env file (`litellm/.env`: SPAROUTER_KEY_<ID>=..., and
// LITELLM_MASTER_KEY when set) into a new version directory under config_dir, fsyncs them and
// switches config_dir/current to it atomically. A reader of config_dir/current/... never sees
// files of two versions. On failure nothing visible changes and the error says why. Env values
// are written bare when they hold only [A-Za-z0-9_.,:/+=@%~-], else single-quoted (shell and
// docker compose read both the same); a value holding a newline, CR, NUL or ' is refused.
// A key the source cannot lend (any error, kNotFound included) refuses the apply before any
// disk change; clear copies of keys are wiped once written. The returned files are the three
// public ones with their SHA-256 (the env file is not listed, its content never hashed).
// Applies to one config_dir are serialised by a lock file (config_dir/.apply.lock).
Result<AppliedVersion> write_config(const GeneratedConfig& generated, const WriteOptions& options);

// Makes CONFIG_DIR/litellm and CONFIG_DIR/router links through `current`, for readers that
// expect the seed's layout (CONFIG_DIR/litellm/config.yaml). Only names that are free: an
// existing entry, the user's or ours, stays as it is. Best effort, no error: `current` is what
// apply promises. write_config calls it; so does start-up, for directories applied before.
void link_config_dir(std::string_view config_dir);

// `sparouter-server generate --out DIR`: writes the generated files (no env file, no secret)
// under out_dir, each atomically (temp, fsync, rename, directory fsync).
Status write_generated_files(const GeneratedConfig& generated, std::string_view out_dir);

// Reads router/rules.json + router/settings.json from `dir` (a version directory or
// CONFIG_DIR/current) back into a configuration (providers without keys), checked as
// check_config_dir checks them.
Result<RouterConfig> load_config_dir(std::string_view dir);

// The version of the three files in `dir`, hashed as generate_config hashes them: what was
// applied there (e.g. CONFIG_DIR/current at start-up, when no history says it). A file that
// is missing is an error (kNotFound, param its path).
Result<std::string> config_dir_version(std::string_view dir);

// Validates the three files of `dir` (schemas, cross references, and that config.yaml is what
// rules.json and settings.json generate) before they ship. Errors name the file and field:
// param is "<file>:<json path>", e.g. "router/rules.json:groups[0].deployments[1].weight".
Status check_config_dir(std::string_view dir);

}  // namespace sparouter
