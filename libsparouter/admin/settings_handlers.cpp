// /api/settings: the routing settings (retries, cooldowns, timeouts, auto model names,
// upstream mode), which apply writes to router/settings.json.
#include <rapidjson/document.h>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/json_body.hpp"
#include "model/json_codec.hpp"
#include "model/json_read.hpp"

namespace sparouter::admin {

Reply get_settings(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  return json_reply(200, to_json_text(state.value()->config.settings));
}

// Any subset of the fields: the others keep their stored values.
Reply put_settings(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  Settings settings = state.value()->config.settings;
  if (Status s = model::decode(doc, "", settings); !s.ok()) return error_reply(s.error());
  // The store would refuse this too, but naming the group ("groups[2].name"), not the field the
  // request sent.
  const auto& groups = state.value()->config.groups;
  for (size_t k = 0; k < settings.auto_models.size(); ++k) {
    const std::string& name = settings.auto_models[k];
    for (const auto& g : groups) {
      if (g.name == name) {
        return invalid_reply(model::json_path("auto_models", k),
                             "\"" + name + "\" is a group's name: a model name asks either a "
                             "group or the classifier");
      }
    }
  }
  if (Status s = ctx.store.set_settings(settings); !s.ok()) return error_reply(s.error());
  auto after = ctx.store.state();
  if (!after.ok()) return error_reply(after.error());
  return json_reply(200, to_json_text(after.value()->config.settings));
}

}  // namespace sparouter::admin
