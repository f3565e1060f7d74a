// /api/routing: groups and their deployments.
#include <rapidjson/document.h>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/json_body.hpp"
#include "common/text.hpp"

namespace sparouter::admin {
namespace {

Status decode_group_patch(const rapidjson::Value& body, GroupPatch& out) {
  PatchReader r(body);
  r.str("name", out.name);
  r.str("description", out.description);
  r.str_list("fallbacks", out.fallbacks);
  return r.status();
}

Status decode_deployment_patch(const rapidjson::Value& body, DeploymentPatch& out) {
  PatchReader r(body);
  r.str("id", out.id);
  r.str("group", out.group);
  r.str("provider_id", out.provider_id);
  r.str("model", out.model);
  r.number("weight", out.weight);
  r.integer("priority", out.priority);
  r.boolean("enabled", out.enabled);
  r.nullable_integer("timeout_ms", out.timeout_ms);
  return r.status();
}

const Group* find_group(const RouterConfig& c, std::string_view name) {
  for (const auto& g : c.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

const Deployment* find_deployment(const RouterConfig& c, std::string_view id) {
  for (const auto& g : c.groups) {
    for (const auto& d : g.deployments) {
      if (d.id == id) return &d;
    }
  }
  return nullptr;
}

// A deployment whose model its provider does not list is allowed (lists go stale, some
// servers list nothing), but the console should say so.
std::vector<std::string> model_warnings(Store& store, const Deployment& d) {
  std::vector<std::string> warnings;
  auto state = store.state();
  if (!state.ok()) return warnings;
  for (const auto& p : state.value()->config.providers) {
    if (p.id != d.provider_id) continue;
    for (const auto& m : p.models) {
      if (m.id == d.model) return warnings;
    }
    warnings.push_back("model " + sparouter::quoted(d.model) +
                       " is not in the model list of provider " + sparouter::quoted(p.id) +
                       (p.models.empty() ? " (the list is empty: sync or import its models)" : ""));
  }
  return warnings;
}

// The deployment, plus "warnings" when there are any: appended as the object's last member.
std::string deployment_json(const Deployment& d, const std::vector<std::string>& warnings) {
  std::string text = to_json_text(d);
  if (warnings.empty()) return text;
  text.pop_back();  // the closing '}' of the object encode() wrote
  text += ",\"warnings\":";
  text += json_text([&](model::JsonWriter& w) { encode_strings(w, warnings); });
  text += '}';
  return text;
}

}  // namespace

Reply list_groups(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("groups");
                      w.StartArray();
                      for (const auto& g : state.value()->config.groups) model::encode(w, g);
                      w.EndArray();
                      w.EndObject();
                    }));
}

Reply get_group(Context& ctx, const Call& call) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const Group* g = find_group(state.value()->config, call.params[0]);
  if (g == nullptr) {
    return error_reply(
        Error{Code::kNotFound, "group " + sparouter::quoted(call.params[0]) + " not found", ""});
  }
  return json_reply(200, to_json_text(*g));
}

Reply create_group(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  GroupPatch patch;
  if (Status s = decode_group_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Group> created = ctx.store.create_group(patch);
  if (!created.ok()) return error_reply(created.error());
  return json_reply(201, to_json_text(created.value()));
}

Reply update_group(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  GroupPatch patch;
  if (Status s = decode_group_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Group> updated = ctx.store.update_group(call.params[0], patch);
  if (!updated.ok()) return error_reply(updated.error());
  return json_reply(200, to_json_text(updated.value()));
}

Reply delete_group(Context& ctx, const Call& call) {
  if (Status s = ctx.store.delete_group(call.params[0]); !s.ok()) return error_reply(s.error());
  return no_content();
}

Reply create_deployment(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  DeploymentPatch patch;
  if (Status s = decode_deployment_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Deployment> created = ctx.store.create_deployment(call.params[0], patch);
  if (!created.ok()) return error_reply(created.error());
  return json_reply(201,
                    deployment_json(created.value(), model_warnings(ctx.store, created.value())));
}

Reply get_deployment(Context& ctx, const Call& call) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const Deployment* d = find_deployment(state.value()->config, call.params[0]);
  if (d == nullptr) {
    return error_reply(Error{Code::kNotFound,
                             "deployment " + sparouter::quoted(call.params[0]) + " not found", ""});
  }
  return json_reply(200, to_json_text(*d));
}

Reply update_deployment(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  DeploymentPatch patch;
  if (Status s = decode_deployment_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Deployment> updated = ctx.store.update_deployment(call.params[0], patch);
  if (!updated.ok()) return error_reply(updated.error());
  std::vector<std::string> warnings;
  if (patch.model || patch.provider_id) warnings = model_warnings(ctx.store, updated.value());
  return json_reply(200, deployment_json(updated.value(), warnings));
}

Reply delete_deployment(Context& ctx, const Call& call) {
  if (Status s = ctx.store.delete_deployment(call.params[0]); !s.ok()) {
    return error_reply(s.error());
  }
  return no_content();
}

}  // namespace sparouter::admin
