#include "model/validate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/text.hpp"
#include "model/json_read.hpp"
#include "model/names.hpp"

namespace sparouter::model {
namespace {

Status check_id(std::string_view id, const std::string& param, const char* what) {
  if (is_valid_id(id)) return {};
  return invalid(param, std::string(what) + " " + quoted(id) +
                            " must match [A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
}

Status validate_providers(const std::vector<Provider>& providers) {
  std::set<std::string_view> ids, names;
  for (size_t i = 0; i < providers.size(); ++i) {
    const Provider& p = providers[i];
    std::string at = json_path("providers", i);
    if (Status s = check_id(p.id, json_path(at, "id"), "provider id"); !s.ok()) return s;
    if (!ids.insert(p.id).second) {
      return Error{Code::kConflict, "provider id " + quoted(p.id) + " is taken", json_path(at, "id")};
    }
    if (p.name.empty()) return invalid(json_path(at, "name"), "provider name must not be empty");
    if (!names.insert(p.name).second) {
      return Error{Code::kConflict, "provider name " + quoted(p.name) + " is taken",
                   json_path(at, "name")};
    }
    if (!is_http_url(p.base_url)) {
      return invalid(json_path(at, "base_url"), "base_url must be an http:// or https:// URL");
    }
    std::set<std::string_view> models;
    for (size_t m = 0; m < p.models.size(); ++m) {
      if (p.models[m].id.empty()) {
        return invalid(json_path(json_path(at, "models"), m), "a model id must not be empty");
      }
    }
  }
  return {};
}

Status validate_deployment(const Deployment& d, const Group& g, const std::string& at,
                           const std::set<std::string_view>& provider_ids) {
  if (Status s = check_id(d.id, json_path(at, "id"), "deployment id"); !s.ok()) return s;
  if (d.group != g.name) {
    return invalid(json_path(at, "group"), "deployment " + quoted(d.id) + " names group " +
                                               quoted(d.group) + " but sits in " + quoted(g.name));
  }
  if (!provider_ids.count(d.provider_id)) {
    return invalid(json_path(at, "provider_id"), "unknown provider " + quoted(d.provider_id));
  }
  if (d.model.empty()) return invalid(json_path(at, "model"), "model must not be empty");
  if (!std::isfinite(d.weight) || d.weight < 0) {
    return invalid(json_path(at, "weight"), "weight must be a number >= 0 (0 drains it)");
  }
  if (d.timeout_ms && *d.timeout_ms <= 0) {
    return invalid(json_path(at, "timeout_ms"), "timeout_ms must be > 0");
  }
  return {};
}

Status validate_groups(const RouterConfig& c) {
  std::set<std::string_view> provider_ids;
  for (const auto& p : c.providers) provider_ids.insert(p.id);
  std::set<std::string_view> names, deployment_ids;
  for (const auto& g : c.groups) names.insert(g.name);
  std::set<std::string_view> seen;
  for (size_t i = 0; i < c.groups.size(); ++i) {
    const Group& g = c.groups[i];
    std::string at = json_path("groups", i);
    if (Status s = check_id(g.name, json_path(at, "name"), "group name"); !s.ok()) return s;
    if (!seen.insert(g.name).second) {
      return Error{Code::kConflict, "group name " + quoted(g.name) + " is taken",
                   json_path(at, "name")};
    }
    if (g.name == kAutoModel) {
      return invalid(json_path(at, "name"),
                     "group name " + quoted(g.name) + " is reserved: it asks the classifier");
    }
    for (const auto& auto_name : c.settings.auto_models) {
      if (auto_name == g.name) {
        return invalid(json_path(at, "name"), "group name " + quoted(g.name) +
                                                  " is reserved: settings.auto_models lists it");
      }
    }
    for (size_t f = 0; f < g.fallbacks.size(); ++f) {
      const std::string& fb = g.fallbacks[f];
      std::string fat = json_path(json_path(at, "fallbacks"), f);
      if (fb == g.name) return invalid(fat, "group " + quoted(g.name) + " cannot fall back to itself");
      if (!names.count(fb)) return invalid(fat, "unknown fallback group " + quoted(fb));
      for (size_t e = 0; e < f; ++e) {
        if (g.fallbacks[e] == fb) {
          return invalid(fat, "fallbacks name group " + quoted(fb) + " twice");
        }
      }
    }
    for (size_t d = 0; d < g.deployments.size(); ++d) {
      const Deployment& dep = g.deployments[d];
      std::string dat = json_path(json_path(at, "deployments"), d);
      if (Status s = validate_deployment(dep, g, dat, provider_ids); !s.ok()) return s;
      if (!deployment_ids.insert(dep.id).second) {
        return Error{Code::kConflict, "deployment id " + quoted(dep.id) + " is taken",
                     json_path(dat, "id")};
      }
    }
  }
  if (auto cycle = find_fallback_cycle(c.groups)) {
    std::string path;
    for (const auto& n : *cycle) {
      if (!path.empty()) path += " -> ";
      path += n;
    }
    return invalid("fallbacks", "fallbacks form a cycle: " + path);
  }
  return {};
}

Status validate_rules(const ClassifierConfig& cc, const std::set<std::string_view>& groups) {
  std::set<std::string_view> ids;
  for (size_t i = 0; i < cc.rules.size(); ++i) {
    const Rule& r = cc.rules[i];
    std::string at = json_path("classifier.rules", i);
    if (Status s = check_id(r.id, json_path(at, "id"), "rule id"); !s.ok()) return s;
    if (!ids.insert(r.id).second) {
      return Error{Code::kConflict, "rule id " + quoted(r.id) + " is taken", json_path(at, "id")};
    }
    if (!groups.count(r.target_group)) {
      return invalid(json_path(at, "target_group"), "unknown group " + quoted(r.target_group));
    }
    const RuleMatch& m = r.match;
    std::string mat = json_path(at, "match");
    if (m.keywords_any.empty() && m.keywords_all.empty() && m.regex.empty() && !m.min_chars &&
        !m.max_chars) {
      return invalid(mat, "a rule needs at least one condition (keywords, regex or length)");
    }
    for (const auto* list : {&m.keywords_any, &m.keywords_all}) {
      for (const auto& k : *list) {
        if (k.find_first_not_of(" \t\r\n") == std::string::npos) {
          return invalid(json_path(mat, list == &m.keywords_any ? "keywords_any" : "keywords_all"),
                         "keywords must not be empty");
        }
      }
    }
    if (m.min_chars && *m.min_chars < 0) return invalid(json_path(mat, "min_chars"), "min_chars must be >= 0");
    if (m.max_chars && *m.max_chars < 0) return invalid(json_path(mat, "max_chars"), "max_chars must be >= 0");
    if (m.min_chars && m.max_chars && *m.min_chars > *m.max_chars) {
      return invalid(json_path(mat, "max_chars"), "max_chars must be >= min_chars");
    }
  }
  return {};
}

Status validate_classifier(const RouterConfig& c) {
  const ClassifierConfig& cc = c.classifier;
  std::set<std::string_view> groups;
  for (const auto& g : c.groups) groups.insert(g.name);
  if (!cc.default_group.empty() && !groups.count(cc.default_group)) {
    return invalid("classifier.default_group", "unknown group " + quoted(cc.default_group));
  }
  if (Status s = validate_rules(cc, groups); !s.ok()) return s;
  const ClassifierSpec& spec = cc.classifier;
  if (!(spec.threshold >= 0.0 && spec.threshold <= 1.0)) {
    return invalid("classifier.classifier.threshold", "threshold must be within [0, 1]");
  }
  std::set<std::string_view> labelled;
  for (size_t i = 0; i < spec.labels.size(); ++i) {
    std::string at = json_path("classifier.classifier.labels", i);
    const LabelExamples& l = spec.labels[i];
    if (!groups.count(l.group)) return invalid(json_path(at, "group"), "unknown group " + quoted(l.group));
    if (!labelled.insert(l.group).second) {
      return invalid(json_path(at, "group"), "group " + quoted(l.group) + " is labelled twice");
    }
  }
  // Checked whenever it is set, not only while the judge is in use: a later switch to "llm"
  // must not find it pointing nowhere.
  if (!spec.llm.group.empty() ||
      (spec.type == ClassifierType::kLlm && cc.mode != ClassifierMode::kRulesOnly)) {
    if (!groups.count(spec.llm.group)) {
      return invalid("classifier.classifier.llm.group", "unknown group " + quoted(spec.llm.group));
    }
  }
  if (spec.llm.timeout_ms <= 0) return invalid("classifier.classifier.llm.timeout_ms", "timeout_ms must be > 0");
  return {};
}

Status validate_settings(const Settings& s) {
  if (s.allowed_fails < 1) return invalid("settings.allowed_fails", "allowed_fails must be >= 1");
  if (s.allowed_fails_window_s < 1) {
    return invalid("settings.allowed_fails_window_s", "allowed_fails_window_s must be >= 1");
  }
  if (s.cooldown_s < 0) return invalid("settings.cooldown_s", "cooldown_s must be >= 0");
  if (s.num_retries < 0 || s.num_retries > 20) {
    return invalid("settings.num_retries", "num_retries must be within [0, 20]");
  }
  if (s.timeout_ms <= 0) return invalid("settings.timeout_ms", "timeout_ms must be > 0");
  for (size_t i = 0; i < s.auto_models.size(); ++i) {
    if (!is_valid_id(s.auto_models[i])) {
      return invalid(json_path("settings.auto_models", i), "auto model name " + quoted(s.auto_models[i]) +
                                                               " must match [A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    }
  }
  if (s.upstream_mode != "direct" && s.upstream_mode != "litellm") {
    return invalid("settings.upstream_mode", "upstream_mode must be \"direct\" or \"litellm\"");
  }
  if (s.upstream_mode == "litellm" && !is_http_url(s.litellm_base_url)) {
    return invalid("settings.litellm_base_url", "litellm_base_url must be an http(s) URL in litellm mode");
  }
  if (!s.litellm_base_url.empty() && !is_http_url(s.litellm_base_url)) {
    return invalid("settings.litellm_base_url", "litellm_base_url must be an http(s) URL");
  }
  return {};
}

}  // namespace

bool is_http_url(std::string_view url) {
  std::string_view rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest[0] == '/' || rest[0] == ':' || rest[0] == '?' || rest[0] == '#') return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

Status validate(const RouterConfig& config) {
  if (Status s = validate_providers(config.providers); !s.ok()) return s;
  if (Status s = validate_settings(config.settings); !s.ok()) return s;
  if (Status s = validate_groups(config); !s.ok()) return s;
  return validate_classifier(config);
}

}  // namespace sparouter::model
