#include <cmath>

#include <rapidjson/error/en.h>

#include "common/json_nesting.hpp"
#include "model/json_codec.hpp"
#include "model/json_read.hpp"
#include "model/names.hpp"

namespace sparouter::model {
namespace {

template <class E>
void read_enum(ObjectReader& r, const char* key, E& out, std::optional<E> (*from)(std::string_view),
               const char* allowed) {
  std::string s;
  r.str(key, s);
  if (s.empty() || !r.ok()) return;  // absent keeps the default
  if (auto e = from(s)) {
    out = *e;
  } else {
    r.fail(r.path_of(key), r.path_of(key) + " must be one of " + allowed + ", not \"" + s + "\"");
  }
}

Status decode_models(const rapidjson::Value& arr, const std::string& path,
                     std::vector<ProviderModel>& out) {
  std::vector<ProviderModel> models;
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    const rapidjson::Value& m = arr[i];
    std::string p = json_path(path, i);
    ProviderModel pm;
    if (m.IsString()) {  // the POST shape: a bare model id, imported by hand
      pm.id.assign(m.GetString(), m.GetStringLength());
    } else {
      ObjectReader r(m, p);
      r.str("id", pm.id, true);
      r.str("source", pm.source);
      if (!r.ok()) return r.status();
      if (pm.source != "sync" && pm.source != "manual") {
        return invalid(json_path(p, "source"), "source must be \"sync\" or \"manual\"");
      }
    }
    if (pm.id.empty()) return invalid(p, "a model id must not be empty");
    models.push_back(std::move(pm));
  }
  out = std::move(models);
  return {};
}

Status decode_health(const rapidjson::Value& v, const std::string& path, ProviderHealth& out) {
  ObjectReader r(v, path);
  read_enum(r, "status", out.status, &health_status_from, "unknown, healthy, unhealthy");
  r.opt_integer("latency_ms", out.latency_ms);
  r.str("checked_at", out.checked_at);
  r.opt_integer("http_status", out.http_status);
  r.opt_str("error", out.error);
  return r.status();
}

// Decodes the array under `key` (if present) element by element with decode(), each element
// starting from `fresh`; `out` is replaced only when every element decodes.
template <class T>
Status decode_list(ObjectReader& r, const char* key, std::vector<T>& out, const T& fresh = T{}) {
  const rapidjson::Value* arr = r.array(key);
  if (!arr) return r.status();
  std::vector<T> list;
  list.reserve(arr->Size());
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    T item = fresh;
    if (Status s = decode((*arr)[i], json_path(r.path_of(key), i), item); !s.ok()) return s;
    list.push_back(std::move(item));
  }
  out = std::move(list);
  return {};
}

}  // namespace

Status decode(const rapidjson::Value& v, const std::string& path, Provider& out) {
  ObjectReader r(v, path);
  r.str("id", out.id);
  r.str("name", out.name);
  read_enum(r, "kind", out.kind, &provider_kind_from,
            "openai, openai_compatible, azure, anthropic, gemini, ollama");
  r.str("base_url", out.base_url);
  r.opt_str("api_version", out.api_version);
  r.boolean("enabled", out.enabled);
  r.str("created_at", out.created_at);
  r.str("updated_at", out.updated_at);
  if (const rapidjson::Value* models = r.array("models")) {
    if (Status s = decode_models(*models, r.path_of("models"), out.models); !s.ok()) return s;
  }
  if (const rapidjson::Value* health = r.object("health")) {
    if (Status s = decode_health(*health, r.path_of("health"), out.health); !s.ok()) return s;
  }
  // Only the store's own files carry this, and only ever sealed (see Secrets::kSealed).
  r.str("api_key_sealed", out.api_key_sealed);
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, Deployment& out) {
  ObjectReader r(v, path);
  r.str("id", out.id);
  r.str("group", out.group);
  r.str("provider_id", out.provider_id);
  r.str("model", out.model);
  r.number("weight", out.weight);
  r.integer("priority", out.priority);
  r.boolean("enabled", out.enabled);
  r.opt_integer("timeout_ms", out.timeout_ms);
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, Group& out) {
  ObjectReader r(v, path);
  r.str("name", out.name);
  r.str("description", out.description);
  r.str_list("fallbacks", out.fallbacks);
  Deployment fresh;
  fresh.group = out.name;  // implied by where the deployment sits
  if (Status s = decode_list(r, "deployments", out.deployments, fresh); !s.ok()) return s;
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, Rule& out) {
  ObjectReader r(v, path);
  r.str("id", out.id);
  r.boolean("enabled", out.enabled);
  r.str("target_group", out.target_group);
  if (const rapidjson::Value* m = r.object("match")) {
    ObjectReader mr(*m, r.path_of("match"));
    mr.str_list("keywords_any", out.match.keywords_any);
    mr.str_list("keywords_all", out.match.keywords_all);
    mr.str("regex", out.match.regex);
    mr.opt_integer("min_chars", out.match.min_chars);
    mr.opt_integer("max_chars", out.match.max_chars);
    read_enum(mr, "scope", out.match.scope, &scope_from, "last_user, all_user, all");
    if (!mr.ok()) return mr.status();
  }
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, ClassifierConfig& out) {
  ObjectReader r(v, path);
  read_enum(r, "mode", out.mode, &classifier_mode_from, "rules_only, classifier_only, hybrid");
  r.str("default_group", out.default_group);
  if (Status s = decode_list(r, "rules", out.rules); !s.ok()) return s;
  if (const rapidjson::Value* c = r.object("classifier")) {
    ClassifierSpec& spec = out.classifier;
    ObjectReader cr(*c, r.path_of("classifier"));
    read_enum(cr, "type", spec.type, &classifier_type_from, "embedded, llm");
    cr.number("threshold", spec.threshold);
    if (const rapidjson::Value* labels = cr.array("labels")) {
      std::vector<LabelExamples> list;
      for (rapidjson::SizeType i = 0; i < labels->Size(); ++i) {
        LabelExamples le;
        ObjectReader lr((*labels)[i], json_path(cr.path_of("labels"), i));
        lr.str("group", le.group, true);
        lr.str_list("examples", le.examples);
        if (!lr.ok()) return lr.status();
        list.push_back(std::move(le));
      }
      spec.labels = std::move(list);
    }
    if (const rapidjson::Value* llm = cr.object("llm")) {
      ObjectReader lr(*llm, cr.path_of("llm"));
      lr.str("group", spec.llm.group);
      lr.str("prompt", spec.llm.prompt);
      lr.integer("timeout_ms", spec.llm.timeout_ms);
      if (!lr.ok()) return lr.status();
    }
    if (!cr.ok()) return cr.status();
  }
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, Settings& out) {
  ObjectReader r(v, path);
  r.integer("allowed_fails", out.allowed_fails);
  r.integer("allowed_fails_window_s", out.allowed_fails_window_s);
  r.integer("cooldown_s", out.cooldown_s);
  r.integer("num_retries", out.num_retries);
  r.integer("timeout_ms", out.timeout_ms);
  r.str_list("auto_models", out.auto_models);
  r.str("upstream_mode", out.upstream_mode);
  r.str("litellm_base_url", out.litellm_base_url);
  return r.status();
}

Status decode(const rapidjson::Value& v, const std::string& path, RouterConfig& out) {
  ObjectReader r(v, path);
  if (Status s = decode_list(r, "providers", out.providers); !s.ok()) return s;
  if (Status s = decode_list(r, "groups", out.groups); !s.ok()) return s;
  if (const rapidjson::Value* c = r.object("classifier")) {
    if (Status s = decode(*c, r.path_of("classifier"), out.classifier); !s.ok()) return s;
  }
  if (const rapidjson::Value* s = r.object("settings")) {
    if (Status st = decode(*s, r.path_of("settings"), out.settings); !st.ok()) return st;
  }
  return r.status();
}

Status parse_document(std::string_view json, rapidjson::Document& doc) {
  // Configurations come from files and the C API too: rapidjson recurses per level.
  if (!json_nesting_within(json)) {
    return invalid("", "JSON nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return invalid("", std::string("invalid JSON at byte ") + std::to_string(doc.GetErrorOffset()) +
                           ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return {};
}

Result<RouterConfig> parse_router_config(std::string_view json) {
  rapidjson::Document doc;
  if (Status s = parse_document(json, doc); !s.ok()) return s;
  RouterConfig config;
  if (Status s = decode(doc, "", config); !s.ok()) return s;
  return config;
}

}  // namespace sparouter::model
