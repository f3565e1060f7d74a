#include "runtime/models_list.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <vector>

namespace sparouter::runtime {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::vector<std::string> model_ids(const RouterConfig* config) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  const Settings defaults;
  const Settings& settings = config ? config->settings : defaults;
  ids.emplace_back(kAutoModel);
  seen.emplace(kAutoModel);
  for (const auto& name : settings.auto_models) {
    if (seen.insert(name).second) ids.push_back(name);
  }
  if (config != nullptr) {
    for (const auto& g : config->groups) {
      if (seen.insert(g.name).second) ids.push_back(g.name);
    }
  }
  return ids;
}

void write_model(Writer& w, const std::string& id) {
  w.StartObject();
  w.Key("id");
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("object");
  w.String("model");
  w.Key("created");
  w.Int(0);
  w.Key("owned_by");
  w.String("sparouter");
  w.EndObject();
}

}  // namespace

std::string models_list_json(const RouterConfig* config) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("object");
  w.String("list");
  w.Key("data");
  w.StartArray();
  for (const auto& id : model_ids(config)) write_model(w, id);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<std::string> model_json(const RouterConfig* config, std::string_view id) {
  const std::vector<std::string> ids = model_ids(config);
  const auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) return std::nullopt;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  write_model(w, *it);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace sparouter::runtime
