// generate_config: validate, canonicalise, render the three files, hash them.
#include <algorithm>
#include <map>

#include "common/text.hpp"
#include "config/litellm_yaml.hpp"
#include "config/router_json.hpp"
#include "config/sha256.hpp"
#include "config/yaml_scalar.hpp"
#include "model/json_read.hpp"
#include "model/names.hpp"
#include "model/validate.hpp"
#include "sparouter/config.hpp"

namespace sparouter {
namespace {

using model::json_path;

// Every text of the configuration must be UTF-8: the files are JSON and YAML.
Status check_utf8(const RouterConfig& c) {
  auto bad = [](const std::string& param) { return invalid(param, param + " is not valid UTF-8"); };
  auto list = [&](const std::vector<std::string>& v, const std::string& at) -> Status {
    for (size_t i = 0; i < v.size(); ++i) {
      if (!config::is_valid_utf8(v[i])) return bad(json_path(at, i));
    }
    return {};
  };
  for (size_t i = 0; i < c.providers.size(); ++i) {
    const Provider& p = c.providers[i];
    std::string at = json_path("providers", i);
    for (auto [key, value] :
         {std::pair{"id", &p.id}, {"name", &p.name}, {"base_url", &p.base_url}}) {
      if (!config::is_valid_utf8(*value)) return bad(json_path(at, key));
    }
    if (p.api_version && !config::is_valid_utf8(*p.api_version))
      return bad(json_path(at, "api_version"));
  }
  for (size_t i = 0; i < c.groups.size(); ++i) {
    const Group& g = c.groups[i];
    std::string at = json_path("groups", i);
    if (!config::is_valid_utf8(g.description)) return bad(json_path(at, "description"));
    for (size_t d = 0; d < g.deployments.size(); ++d) {
      if (!config::is_valid_utf8(g.deployments[d].model)) {
        return bad(json_path(json_path(json_path(at, "deployments"), d), "model"));
      }
    }
  }
  const ClassifierConfig& cc = c.classifier;
  for (size_t i = 0; i < cc.rules.size(); ++i) {
    const RuleMatch& m = cc.rules[i].match;
    std::string at = json_path(json_path("classifier.rules", i), "match");
    if (Status s = list(m.keywords_any, json_path(at, "keywords_any")); !s.ok()) return s;
    if (Status s = list(m.keywords_all, json_path(at, "keywords_all")); !s.ok()) return s;
    if (!config::is_valid_utf8(m.regex)) return bad(json_path(at, "regex"));
  }
  for (size_t i = 0; i < cc.classifier.labels.size(); ++i) {
    std::string at = json_path("classifier.classifier.labels", i);
    if (Status s = list(cc.classifier.labels[i].examples, json_path(at, "examples")); !s.ok())
      return s;
  }
  if (!config::is_valid_utf8(cc.classifier.llm.prompt))
    return bad("classifier.classifier.llm.prompt");
  return {};
}

// Two keyed providers must not share one environment variable.
Status check_env_names(const RouterConfig& c) {
  std::map<std::string, std::string> seen;
  for (size_t i = 0; i < c.providers.size(); ++i) {
    const Provider& p = c.providers[i];
    if (!p.has_api_key()) continue;
    auto [it, fresh] = seen.emplace(provider_key_env_name(p.id), p.id);
    if (!fresh) {
      return invalid(json_path(json_path("providers", i), "id"),
                     "providers " + quoted(it->second) + " and " + quoted(p.id) +
                         " would share the key variable " + it->first + ": rename one of them");
    }
  }
  return {};
}

}  // namespace

namespace config {

std::string files_version(const std::vector<GeneratedFile>& files) {
  std::string hashed;
  for (const auto& f : files) {
    hashed += f.path + "\n" + std::to_string(f.content.size()) + "\n" + f.content;
  }
  return sha256_hex(hashed).substr(0, 16);
}

}  // namespace config

std::string provider_key_env_name(std::string_view provider_id) {
  return "SPAROUTER_KEY_" + model::provider_key_suffix(provider_id);
}

RouterConfig canonical_config(const RouterConfig& config) {
  RouterConfig c = config;
  for (auto& p : c.providers) {
    p.api_key_sealed.clear();
    p.api_key_masked.clear();
    p.models.clear();
    p.health = ProviderHealth{};
    p.created_at.clear();
    p.updated_at.clear();
  }
  std::sort(c.providers.begin(), c.providers.end(),
            [](const Provider& a, const Provider& b) { return a.id < b.id; });
  std::sort(c.groups.begin(), c.groups.end(),
            [](const Group& a, const Group& b) { return a.name < b.name; });
  for (auto& g : c.groups) {
    std::sort(g.deployments.begin(), g.deployments.end(),
              [](const Deployment& a, const Deployment& b) { return a.id < b.id; });
  }
  return c;
}

Result<GeneratedConfig> generate_config(const RouterConfig& config) {
  if (Status s = model::validate(config); !s.ok()) return s;
  if (Status s = check_utf8(config); !s.ok()) return s;
  if (Status s = check_env_names(config); !s.ok()) return s;
  config::IdSet keyed;
  for (const auto& p : config.providers) {
    if (p.has_api_key()) keyed.insert(p.id);
  }
  const RouterConfig c = canonical_config(config);
  auto yaml = config::render_litellm_yaml(c, keyed);
  if (!yaml.ok()) return yaml.status();

  GeneratedConfig out;
  out.files.push_back({std::string(kLitellmConfigPath), std::move(yaml->text)});
  out.files.push_back({std::string(kRulesPath), config::encode_rules_json(c, keyed)});
  out.files.push_back({std::string(kSettingsPath), config::encode_settings_json(c.settings)});
  out.warnings = std::move(yaml->warnings);
  out.key_providers = std::move(yaml->key_providers);
  out.version = config::files_version(out.files);
  return out;
}

}  // namespace sparouter
