#include "admin/encode.hpp"

#include "admin/reply.hpp"

namespace sparouter::admin {

void encode_models(model::JsonWriter& w, const std::vector<ProviderModel>& models) {
  w.StartArray();
  for (const auto& m : models) {
    w.StartObject();
    w.Key("id"), write_str(w, m.id);
    w.Key("source"), write_str(w, m.source);
    w.EndObject();
  }
  w.EndArray();
}

void encode_strings(model::JsonWriter& w, const std::vector<std::string>& list) {
  w.StartArray();
  for (const auto& s : list) write_str(w, s);
  w.EndArray();
}

std::string models_change_json(const ModelsChange& change, bool with_removed) {
  return json_text([&](model::JsonWriter& w) {
    w.StartObject();
    w.Key("models"), encode_models(w, change.models);
    w.Key("added"), w.Int64(change.added);
    if (with_removed) w.Key("removed"), w.Int64(change.removed);
    w.EndObject();
  });
}

}  // namespace sparouter::admin
