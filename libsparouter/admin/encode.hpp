// JSON answers of the admin API built from the domain's encoders (model/json_codec.hpp), plus
// the few shapes that exist only here (model lists, warnings).
#pragma once

#include <string>
#include <vector>

#include "model/json_codec.hpp"
#include "sparouter/store.hpp"
#include "sparouter/types.hpp"

namespace sparouter::admin {

void encode_models(model::JsonWriter& w, const std::vector<ProviderModel>& models);
void encode_strings(model::JsonWriter& w, const std::vector<std::string>& list);

// One domain object as a JSON text (providers never carry a key, only has_api_key and the mask).
template <class T>
std::string to_json_text(const T& value) {
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  model::encode(w, value);
  return std::string(buf.GetString(), buf.GetSize());
}

// {"models": [...], "added": n[, "removed": n]}
std::string models_change_json(const ModelsChange& change, bool with_removed);

}  // namespace sparouter::admin
