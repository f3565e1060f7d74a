#include <algorithm>
#include <initializer_list>

#include "common/text.hpp"
#include "config/router_json.hpp"
#include "model/json_codec.hpp"
#include "model/json_read.hpp"
#include "model/validate.hpp"
#include "sparouter/config.hpp"

namespace sparouter::config {
namespace {

using Keys = std::initializer_list<const char*>;

// One object's shape as the schema states it: exactly these keys, null only for `nullable`.
struct Shape {
  Keys keys;
  Keys nullable = {};
};

bool listed(Keys keys, std::string_view k) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; });
}

Status check_shape(const rapidjson::Value& v, const std::string& path, const Shape& shape) {
  const std::string where = path.empty() ? "the document" : path;
  if (!v.IsObject())
    return invalid(path, where + " must be an object, not " + model::json_type_name(v));
  for (const auto& m : v.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    std::string at = model::json_path(path, std::string(k).c_str());
    if (!listed(shape.keys, k)) return invalid(at, "unknown field " + quoted(k) + " in " + where);
    if (m.value.IsNull() && !listed(shape.nullable, k))
      return invalid(at, at + " must not be null");
  }
  for (const char* k : shape.keys) {
    if (!v.HasMember(k))
      return invalid(model::json_path(path, k), "missing field " + quoted(k) + " in " + where);
  }
  return {};
}

const Shape kRulesRoot{{"schema_version", "providers", "groups", "classifier"}};
const Shape kProvider{{"id", "name", "kind", "base_url", "api_version", "enabled", "has_api_key"},
                      {"api_version"}};
const Shape kGroup{{"name", "description", "fallbacks", "deployments"}};
const Shape kDeployment{
    {"id", "group", "provider_id", "model", "weight", "priority", "enabled", "timeout_ms"},
    {"timeout_ms"}};
const Shape kClassifier{{"mode", "default_group", "rules", "classifier"}};
const Shape kRule{{"id", "enabled", "target_group", "match"}};
const Shape kMatch{{"keywords_any", "keywords_all", "regex", "min_chars", "max_chars", "scope"},
                   {"regex", "min_chars", "max_chars"}};
const Shape kSpec{{"type", "threshold", "labels", "llm"}};
const Shape kLabel{{"group", "examples"}};
const Shape kLlm{{"group", "prompt", "timeout_ms"}};
const Shape kSettings{{"schema_version", "allowed_fails", "allowed_fails_window_s", "cooldown_s",
                       "num_retries", "timeout_ms", "auto_models", "upstream_mode",
                       "litellm_base_url"}};

// Runs check_shape on every element of the array at v[key] (its type is checked there too).
template <class F>
Status each(const rapidjson::Value& v, const std::string& path, const char* key, F&& f) {
  const rapidjson::Value& arr = v[key];
  std::string at = model::json_path(path, key);
  if (!arr.IsArray())
    return invalid(at, at + " must be an array, not " + model::json_type_name(arr));
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    if (Status s = f(arr[i], model::json_path(at, i)); !s.ok()) return s;
  }
  return {};
}

Status check_schema_version(const rapidjson::Value& v) {
  auto n = model::json_integer(v["schema_version"]);
  if (!n || *n != kSchemaVersion) {
    return invalid("schema_version", "schema_version must be " + std::to_string(kSchemaVersion) +
                                         " (a file of another sparouter version?)");
  }
  return {};
}

Status check_rules_shape(const rapidjson::Value& doc) {
  if (Status s = check_shape(doc, "", kRulesRoot); !s.ok()) return s;
  if (Status s = check_schema_version(doc); !s.ok()) return s;
  auto provider = [](const rapidjson::Value& p, const std::string& at) {
    return check_shape(p, at, kProvider);
  };
  if (Status s = each(doc, "", "providers", provider); !s.ok()) return s;
  auto deployment = [](const rapidjson::Value& d, const std::string& at) {
    return check_shape(d, at, kDeployment);
  };
  auto group = [&](const rapidjson::Value& g, const std::string& at) {
    if (Status s = check_shape(g, at, kGroup); !s.ok()) return s;
    return each(g, at, "deployments", deployment);
  };
  if (Status s = each(doc, "", "groups", group); !s.ok()) return s;
  const rapidjson::Value& c = doc["classifier"];
  if (Status s = check_shape(c, "classifier", kClassifier); !s.ok()) return s;
  auto rule = [](const rapidjson::Value& r, const std::string& at) {
    if (Status s = check_shape(r, at, kRule); !s.ok()) return s;
    return check_shape(r["match"], model::json_path(at, "match"), kMatch);
  };
  if (Status s = each(c, "classifier", "rules", rule); !s.ok()) return s;
  const rapidjson::Value& spec = c["classifier"];
  if (Status s = check_shape(spec, "classifier.classifier", kSpec); !s.ok()) return s;
  auto label = [](const rapidjson::Value& l, const std::string& at) {
    return check_shape(l, at, kLabel);
  };
  if (Status s = each(spec, "classifier.classifier", "labels", label); !s.ok()) return s;
  return check_shape(spec["llm"], "classifier.classifier.llm", kLlm);
}

Error in_file(std::string_view file, Error e) {
  e.message = std::string(file) + ": " + e.message;
  e.param = std::string(file) + ":" + e.param;
  return e;
}

Status decode_rules(std::string_view text, RouterFiles& out) {
  rapidjson::Document doc;
  if (Status s = model::parse_document(text, doc); !s.ok()) return s;
  if (Status s = check_rules_shape(doc); !s.ok()) return s;
  const rapidjson::Value& providers = doc["providers"];
  for (rapidjson::SizeType i = 0; i < providers.Size(); ++i) {
    Provider p;
    std::string at = model::json_path("providers", i);
    if (Status s = model::decode(providers[i], at, p); !s.ok()) return s;
    model::ObjectReader pr(providers[i], at);
    bool has_key = false;
    pr.boolean("has_api_key", has_key);
    if (!pr.ok()) return pr.status();
    if (has_key) out.keyed.insert(p.id);
    out.config.providers.push_back(std::move(p));
  }
  const rapidjson::Value& groups = doc["groups"];
  for (rapidjson::SizeType i = 0; i < groups.Size(); ++i) {
    Group g;
    if (Status s = model::decode(groups[i], model::json_path("groups", i), g); !s.ok()) return s;
    out.config.groups.push_back(std::move(g));
  }
  return model::decode(doc["classifier"], "classifier", out.config.classifier);
}

Status decode_settings(std::string_view text, Settings& out) {
  rapidjson::Document doc;
  if (Status s = model::parse_document(text, doc); !s.ok()) return s;
  if (Status s = check_shape(doc, "", kSettings); !s.ok()) return s;
  if (Status s = check_schema_version(doc); !s.ok()) return s;
  return model::decode(doc, "", out);
}

}  // namespace

Result<RouterFiles> decode_router_files(std::string_view rules_json,
                                        std::string_view settings_json) {
  RouterFiles out;
  if (Status s = decode_rules(rules_json, out); !s.ok()) return in_file(kRulesPath, s.error());
  if (Status s = decode_settings(settings_json, out.config.settings); !s.ok()) {
    return in_file(kSettingsPath, s.error());
  }
  // The model's rules, with each field traced back to its file.
  if (Status s = model::validate(out.config); !s.ok()) {
    Error e = s.error();
    if (e.param.rfind("settings.", 0) == 0) {
      e.param = e.param.substr(9);
      return in_file(kSettingsPath, e);
    }
    return in_file(kRulesPath, e);
  }
  return out;
}

}  // namespace sparouter::config
