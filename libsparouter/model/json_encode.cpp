#include <cmath>

#include "model/json_codec.hpp"
#include "model/names.hpp"

namespace sparouter::model {
namespace {

void key(JsonWriter& w, const char* k) { w.Key(k); }
void str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void opt_str(JsonWriter& w, const std::optional<std::string>& s) {
  if (s) {
    str(w, *s);
  } else {
    w.Null();
  }
}
void opt_int(JsonWriter& w, const std::optional<int64_t>& i) {
  if (i) {
    w.Int64(*i);
  } else {
    w.Null();
  }
}
// Integral weights print as 3, not 3.0, so files stay as people wrote them.
void number(JsonWriter& w, double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) {
    w.Int64(static_cast<int64_t>(d));
  } else {
    w.Double(d);
  }
}
void str_list(JsonWriter& w, const std::vector<std::string>& list) {
  w.StartArray();
  for (const auto& s : list) str(w, s);
  w.EndArray();
}
// Timestamps are RFC 3339 strings; "" (never) is written as null.
void time_or_null(JsonWriter& w, const std::string& t) {
  if (t.empty()) {
    w.Null();
  } else {
    str(w, t);
  }
}

}  // namespace

void encode(JsonWriter& w, const ProviderHealth& h) {
  w.StartObject();
  key(w, "status"), str(w, to_string(h.status));
  key(w, "latency_ms"), opt_int(w, h.latency_ms);
  key(w, "checked_at"), time_or_null(w, h.checked_at);
  key(w, "http_status"), opt_int(w, h.http_status);
  key(w, "error"), opt_str(w, h.error);
  w.EndObject();
}

void encode(JsonWriter& w, const Provider& p, Secrets secrets) {
  w.StartObject();
  key(w, "id"), str(w, p.id);
  key(w, "name"), str(w, p.name);
  key(w, "kind"), str(w, to_string(p.kind));
  key(w, "base_url"), str(w, p.base_url);
  key(w, "api_version"), opt_str(w, p.api_version);
  key(w, "has_api_key"), w.Bool(p.has_api_key());
  key(w, "api_key_masked");
  if (p.has_api_key()) {
    str(w, p.api_key_masked);
  } else {
    w.Null();
  }
  if (secrets == Secrets::kSealed && p.has_api_key()) {
    key(w, "api_key_sealed"), str(w, p.api_key_sealed);
  }
  key(w, "enabled"), w.Bool(p.enabled);
  key(w, "models");
  w.StartArray();
  for (const auto& m : p.models) {
    w.StartObject();
    key(w, "id"), str(w, m.id);
    key(w, "source"), str(w, m.source);
    w.EndObject();
  }
  w.EndArray();
  key(w, "health"), encode(w, p.health);
  key(w, "created_at"), time_or_null(w, p.created_at);
  key(w, "updated_at"), time_or_null(w, p.updated_at);
  w.EndObject();
}

void encode(JsonWriter& w, const Deployment& d) {
  w.StartObject();
  key(w, "id"), str(w, d.id);
  key(w, "group"), str(w, d.group);
  key(w, "provider_id"), str(w, d.provider_id);
  key(w, "model"), str(w, d.model);
  key(w, "weight"), number(w, d.weight);
  key(w, "priority"), w.Int64(d.priority);
  key(w, "enabled"), w.Bool(d.enabled);
  key(w, "timeout_ms"), opt_int(w, d.timeout_ms);
  w.EndObject();
}

void encode(JsonWriter& w, const Group& g) {
  w.StartObject();
  key(w, "name"), str(w, g.name);
  key(w, "description"), str(w, g.description);
  key(w, "fallbacks"), str_list(w, g.fallbacks);
  key(w, "deployments");
  w.StartArray();
  for (const auto& d : g.deployments) encode(w, d);
  w.EndArray();
  w.EndObject();
}

void encode(JsonWriter& w, const Rule& r) {
  w.StartObject();
  key(w, "id"), str(w, r.id);
  key(w, "enabled"), w.Bool(r.enabled);
  key(w, "target_group"), str(w, r.target_group);
  key(w, "match");
  w.StartObject();
  key(w, "keywords_any"), str_list(w, r.match.keywords_any);
  key(w, "keywords_all"), str_list(w, r.match.keywords_all);
  key(w, "regex");
  if (r.match.regex.empty()) {
    w.Null();
  } else {
    str(w, r.match.regex);
  }
  key(w, "min_chars"), opt_int(w, r.match.min_chars);
  key(w, "max_chars"), opt_int(w, r.match.max_chars);
  key(w, "scope"), str(w, to_string(r.match.scope));
  w.EndObject();
  w.EndObject();
}

void encode(JsonWriter& w, const ClassifierConfig& c) {
  w.StartObject();
  key(w, "mode"), str(w, to_string(c.mode));
  key(w, "default_group"), str(w, c.default_group);
  key(w, "rules");
  w.StartArray();
  for (const auto& r : c.rules) encode(w, r);
  w.EndArray();
  key(w, "classifier");
  w.StartObject();
  key(w, "type"), str(w, to_string(c.classifier.type));
  key(w, "threshold"), w.Double(c.classifier.threshold);
  key(w, "labels");
  w.StartArray();
  for (const auto& l : c.classifier.labels) {
    w.StartObject();
    key(w, "group"), str(w, l.group);
    key(w, "examples"), str_list(w, l.examples);
    w.EndObject();
  }
  w.EndArray();
  key(w, "llm");
  w.StartObject();
  key(w, "group"), str(w, c.classifier.llm.group);
  key(w, "prompt"), str(w, c.classifier.llm.prompt);
  key(w, "timeout_ms"), w.Int64(c.classifier.llm.timeout_ms);
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

void encode(JsonWriter& w, const Settings& s) {
  w.StartObject();
  key(w, "allowed_fails"), w.Int64(s.allowed_fails);
  key(w, "allowed_fails_window_s"), w.Int64(s.allowed_fails_window_s);
  key(w, "cooldown_s"), w.Int64(s.cooldown_s);
  key(w, "num_retries"), w.Int64(s.num_retries);
  key(w, "timeout_ms"), w.Int64(s.timeout_ms);
  key(w, "auto_models"), str_list(w, s.auto_models);
  key(w, "upstream_mode"), str(w, s.upstream_mode);
  key(w, "litellm_base_url"), str(w, s.litellm_base_url);
  w.EndObject();
}

void encode(JsonWriter& w, const RouterConfig& c, Secrets secrets) {
  w.StartObject();
  key(w, "providers");
  w.StartArray();
  for (const auto& p : c.providers) encode(w, p, secrets);
  w.EndArray();
  key(w, "groups");
  w.StartArray();
  for (const auto& g : c.groups) encode(w, g);
  w.EndArray();
  key(w, "classifier"), encode(w, c.classifier);
  key(w, "settings"), encode(w, c.settings);
  w.EndObject();
}

std::string to_json(const RouterConfig& config, Secrets secrets) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  encode(w, config, secrets);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace sparouter::model
