// /api/providers: CRUD and model lists (the calls to providers themselves are in
// provider_calls_handlers.cpp).
#include <rapidjson/document.h>

#include "admin/encode.hpp"
#include "admin/handlers.hpp"
#include "admin/json_body.hpp"
#include "common/text.hpp"
#include "crypto/secret_string.hpp"
#include "model/json_read.hpp"
#include "model/names.hpp"
#include "store/edits.hpp"

namespace sparouter::admin {
namespace {

// Model ids of a request: bare strings (API.md), or {"id", "source"} objects as GET answers
// them, so a console can send a provider back as it got it. Synced entries are the store's to
// keep and are skipped.
Status read_model_ids(const rapidjson::Value& v, const std::string& path,
                      std::optional<std::vector<std::string>>& out) {
  if (!v.IsArray()) return invalid(path, path + " must be an array of model ids");
  std::vector<std::string> ids;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const rapidjson::Value& m = v[i];
    const std::string p = model::json_path(path, i);
    if (m.IsString()) {
      ids.emplace_back(m.GetString(), m.GetStringLength());
      continue;
    }
    if (!m.IsObject() || !m.HasMember("id") || !m["id"].IsString()) {
      return invalid(p, p + " must be a model id (a string)");
    }
    if (m.HasMember("source") && m["source"].IsString() &&
        std::string_view(m["source"].GetString()) == "sync") {
      continue;
    }
    ids.emplace_back(m["id"].GetString(), m["id"].GetStringLength());
  }
  out = std::move(ids);
  return {};
}

Status decode_provider_patch(const rapidjson::Value& body, ProviderPatch& out) {
  PatchReader r(body);
  r.str("id", out.id);
  r.str("name", out.name);
  std::optional<std::string> kind;
  r.str("kind", kind);
  if (kind) {
    if (auto k = model::provider_kind_from(*kind)) {
      out.kind = *k;
    } else {
      r.fail("kind",
             "kind must be one of openai, openai_compatible, azure, anthropic, gemini, "
             "ollama, not " +
                 sparouter::quoted(*kind));
    }
  }
  r.str("base_url", out.base_url);
  r.nullable_str("api_version", out.api_version);
  // Absent keeps the key; "" clears it; null is refused rather than read as either.
  r.str("api_key", out.api_key);
  r.boolean("enabled", out.enabled);
  if (!r.ok()) return r.status();
  auto models = body.FindMember("models");
  if (models != body.MemberEnd()) {
    return read_model_ids(models->value, "models", out.models);
  }
  return {};
}

// Wipes the clear key a patch carried once the store sealed it.
struct PatchWiper {
  ProviderPatch& patch;
  ~PatchWiper() {
    if (patch.api_key) crypto::wipe(*patch.api_key);
  }
};

const Provider* find_provider(const RouterConfig& c, std::string_view id) {
  for (const auto& p : c.providers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

Reply provider_not_found(std::string_view id) {
  return error_reply(
      Error{Code::kNotFound, "provider " + sparouter::quoted(id) + " not found", ""});
}

}  // namespace

Reply list_providers(Context& ctx, const Call&) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("providers");
                      w.StartArray();
                      for (const auto& p : state.value()->config.providers) model::encode(w, p);
                      w.EndArray();
                      w.EndObject();
                    }));
}

Reply get_provider(Context& ctx, const Call& call) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const Provider* p = find_provider(state.value()->config, call.params[0]);
  if (p == nullptr) return provider_not_found(call.params[0]);
  return json_reply(200, to_json_text(*p));
}

Reply create_provider(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  ProviderPatch patch;
  PatchWiper wiper{patch};
  if (Status s = decode_provider_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Provider> created = ctx.store.create_provider(patch);
  if (!created.ok()) return error_reply(created.error());
  return json_reply(201, to_json_text(created.value()));
}

Reply update_provider(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  ProviderPatch patch;
  PatchWiper wiper{patch};
  if (Status s = decode_provider_patch(doc, patch); !s.ok()) return error_reply(s.error());
  Result<Provider> updated = ctx.store.update_provider(call.params[0], patch);
  if (!updated.ok()) return error_reply(updated.error());
  return json_reply(200, to_json_text(updated.value()));
}

Reply delete_provider(Context& ctx, const Call& call) {
  const bool cascade = query_flag(call.target, "cascade");
  Status s = ctx.store.delete_provider(call.params[0], cascade);
  if (s.ok()) return no_content();
  if (s.error().code != Code::kConflict) return error_reply(s.error());
  // API.md: the 409 lists the deployments that use the provider.
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(s.error());
  return deployments_conflict_reply(
      s.error(), store::provider_deployments(state.value()->config, call.params[0]));
}

Reply list_provider_models(Context& ctx, const Call& call) {
  auto state = ctx.store.state();
  if (!state.ok()) return error_reply(state.error());
  const Provider* p = find_provider(state.value()->config, call.params[0]);
  if (p == nullptr) return provider_not_found(call.params[0]);
  return json_reply(200, json_text([&](model::JsonWriter& w) {
                      w.StartObject();
                      w.Key("models"), encode_models(w, p->models);
                      w.EndObject();
                    }));
}

Reply import_provider_models(Context& ctx, const Call& call) {
  rapidjson::Document doc;
  if (auto bad = read_json_object(call.request, doc)) return *bad;
  auto models = doc.FindMember("models");
  if (models == doc.MemberEnd() || models->value.IsNull()) {
    return invalid_reply("models", "models is required: an array of model ids");
  }
  std::optional<std::vector<std::string>> ids;
  if (Status s = read_model_ids(models->value, "models", ids); !s.ok()) {
    return error_reply(s.error());
  }
  Result<ModelsChange> change = ctx.store.add_models(call.params[0], *ids);
  if (!change.ok()) return error_reply(change.error());
  return json_reply(200, models_change_json(change.value(), false));
}

}  // namespace sparouter::admin
