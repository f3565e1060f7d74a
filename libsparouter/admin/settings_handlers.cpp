// /api/settings: the routing settings (retries, cooldowns, timeouts, auto model names,
// upstream mode), which apply writes to router/settings.json.
#include <rapidjson/document.h>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/json_body.hpp"
#include "model/json_codec.hpp"

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
  if (Status s = ctx.store.set_settings(settings); !s.ok()) return error_reply(s.error());
  auto after = ctx.store.state();
  if (!after.ok()) return error_reply(after.error());
  return json_reply(200, to_json_text(after.value()->config.settings));
}

}  // namespace sparouter::admin
