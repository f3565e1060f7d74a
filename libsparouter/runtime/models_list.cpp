#include "runtime/models_list.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

namespace sparouter::runtime {

std::string models_list_json(const RouterConfig* config) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  const Settings defaults;
  const Settings& settings = config ? config->settings : defaults;
  for (const auto& name : settings.auto_models) {
    if (seen.insert(name).second) ids.push_back(name);
  }
  if (config != nullptr) {
    for (const auto& g : config->groups) {
      if (seen.insert(g.name).second) ids.push_back(g.name);
    }
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("object");
  w.String("list");
  w.Key("data");
  w.StartArray();
  for (const auto& id : ids) {
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
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace sparouter::runtime
