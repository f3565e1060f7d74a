#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>

#include "config/router_json.hpp"
#include "model/json_codec.hpp"
#include "model/names.hpp"

namespace sparouter::config {
namespace {

void str(model::JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// The model's encoders write compact JSON; the files are for people too, so they are
// re-printed with indentation (member order is kept, numbers print the same).
std::string pretty(const rapidjson::StringBuffer& compact) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(compact.GetString(), compact.GetSize());
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace

std::string encode_rules_json(const RouterConfig& c, const IdSet& keyed) {
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  w.StartObject();
  w.Key("schema_version"), w.Int(kSchemaVersion);
  w.Key("providers");
  w.StartArray();
  for (const auto& p : c.providers) {
    w.StartObject();
    w.Key("id"), str(w, p.id);
    w.Key("name"), str(w, p.name);
    w.Key("kind"), str(w, model::to_string(p.kind));
    w.Key("base_url"), str(w, p.base_url);
    w.Key("api_version");
    if (p.api_version) {
      str(w, *p.api_version);
    } else {
      w.Null();
    }
    w.Key("enabled"), w.Bool(p.enabled);
    w.Key("has_api_key"), w.Bool(keyed.count(p.id) > 0);
    w.EndObject();
  }
  w.EndArray();
  w.Key("groups");
  w.StartArray();
  for (const auto& g : c.groups) model::encode(w, g);
  w.EndArray();
  w.Key("classifier"), model::encode(w, c.classifier);
  w.EndObject();
  return pretty(buf);
}

std::string encode_settings_json(const Settings& s) {
  rapidjson::StringBuffer inner;
  model::JsonWriter iw(inner);
  model::encode(iw, s);
  // schema_version first, then the model's own settings shape.
  rapidjson::Document doc;
  doc.Parse(inner.GetString(), inner.GetSize());
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  w.StartObject();
  w.Key("schema_version"), w.Int(kSchemaVersion);
  for (auto& m : doc.GetObject()) {
    w.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(w);
  }
  w.EndObject();
  return pretty(buf);
}

}  // namespace sparouter::config
