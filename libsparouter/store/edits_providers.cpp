// Provider edits: create, update, delete, model lists and health.
#include <set>

#include "common/text.hpp"
#include "crypto/mask.hpp"
#include "model/names.hpp"
#include "store/edits.hpp"
#include "store/ids.hpp"

namespace sparouter::store {
namespace {

constexpr size_t kMaxKeySize = 8192;

Error not_found(std::string_view id) {
  return Error{Code::kNotFound, "provider " + quoted(id) + " not found", ""};
}

// Seals `key` into the provider. The key itself never enters a message.
Status set_key(Provider& p, std::string_view key, const EditContext& ctx) {
  if (key.empty()) {
    p.api_key_sealed.clear();
    p.api_key_masked.clear();
    return {};
  }
  if (key.size() > kMaxKeySize) return invalid("api_key", "api_key is too long");
  for (char c : key) {
    // It goes into an HTTP header upstream: no room for whitespace or control characters.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return invalid("api_key", "api_key must not contain spaces or control characters");
    }
  }
  if (ctx.box == nullptr) {
    return invalid("api_key",
                   "APP_SECRET is not set: API keys cannot be stored (they are never stored in "
                   "plaintext)");
  }
  Result<std::string> sealed = ctx.box->seal(key, key_context(p.id));
  if (!sealed.ok()) return sealed.status();
  p.api_key_sealed = std::move(sealed).value();
  p.api_key_masked = crypto::mask_key(key);
  return {};
}

// A provider's display name as typed, with the whitespace around it dropped: " OpenAI " and
// "OpenAI" read as one name, so they must not make two providers, and a name of blanks names
// nothing. Control characters are refused: the name is shown in the console and in logs.
Result<std::string> clean_name(std::string_view name) {
  constexpr std::string_view kBlank = " \t\r\n\f\v";
  const size_t first = name.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return invalid("name", "name is required");
  name = name.substr(first, name.find_last_not_of(kBlank) + 1 - first);
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid("name", "name must not contain control characters");
    }
  }
  return std::string(name);
}

Status check_model_ids(const std::vector<std::string>& ids, const char* field) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].empty()) {
      return invalid(std::string(field) + "[" + std::to_string(i) + "]",
                     "a model id must not be empty");
    }
  }
  return {};
}

// Replaces the manual models with `ids` (keeping synced ones and the order of what stays).
void set_manual_models(Provider& p, const std::vector<std::string>& ids) {
  std::set<std::string_view> wanted(ids.begin(), ids.end());
  std::vector<ProviderModel> out;
  std::set<std::string> present;
  for (auto& m : p.models) {
    if (m.source == "sync" || wanted.count(m.id)) {
      present.insert(m.id);
      out.push_back(std::move(m));
    }
  }
  for (const auto& id : ids) {
    if (present.insert(id).second) out.push_back({id, "manual"});
  }
  p.models = std::move(out);
}

// Taken also when another id gives the same key variable: apply could never write both keys
// (generate refuses such a pair), and an id cannot be renamed afterwards.
const Provider* id_taken(const RouterConfig& c, std::string_view id) {
  const std::string key = model::provider_key_suffix(id);
  for (const auto& p : c.providers) {
    if (p.id == id || model::provider_key_suffix(p.id) == key) return &p;
  }
  return nullptr;
}

}  // namespace

Result<Provider> create_provider(RouterConfig& c, const ProviderPatch& in, const EditContext& ctx) {
  if (!in.name) return invalid("name", "name is required");
  Result<std::string> name = clean_name(*in.name);
  if (!name.ok()) return name.status();
  if (!in.kind) return invalid("kind", "kind is required");
  if (!in.base_url || in.base_url->empty()) return invalid("base_url", "base_url is required");
  Provider p;
  if (in.id) {
    if (const Provider* other = id_taken(c, *in.id)) {
      std::string why = "provider id " + quoted(*in.id) + " is taken";
      if (other->id != *in.id) {
        why += ": provider " + quoted(other->id) + " has the same key variable SPAROUTER_KEY_" +
               model::provider_key_suffix(*in.id);
      }
      return Error{Code::kConflict, std::move(why), "id"};
    }
    p.id = *in.id;
  } else {
    std::string base = slug(name.value());
    if (base.empty()) base = "provider";
    p.id = base;
    for (int n = 2; id_taken(c, p.id); ++n) p.id = base + "-" + std::to_string(n);
  }
  p.name = std::move(name).value();
  p.kind = *in.kind;
  p.base_url = *in.base_url;
  if (in.api_version) p.api_version = *in.api_version;
  if (in.enabled) p.enabled = *in.enabled;
  if (in.models) {
    if (Status s = check_model_ids(*in.models, "models"); !s.ok()) return s;
    set_manual_models(p, *in.models);
  }
  if (in.api_key) {
    if (Status s = set_key(p, *in.api_key, ctx); !s.ok()) return s;
  }
  p.created_at = p.updated_at = ctx.now();
  c.providers.push_back(p);
  return p;
}

Result<Provider> update_provider(RouterConfig& c, std::string_view id, const ProviderPatch& in,
                                 const EditContext& ctx) {
  Provider* p = find_provider(c, id);
  if (p == nullptr) return not_found(id);
  if (in.id && *in.id != id) return invalid("id", "a provider's id cannot change");
  if (in.name) {
    Result<std::string> name = clean_name(*in.name);
    if (!name.ok()) return name.status();
    p->name = std::move(name).value();
  }
  if (in.kind) p->kind = *in.kind;
  if (in.base_url) p->base_url = *in.base_url;
  if (in.api_version) p->api_version = *in.api_version;
  if (in.enabled) p->enabled = *in.enabled;
  if (in.models) {
    if (Status s = check_model_ids(*in.models, "models"); !s.ok()) return s;
    set_manual_models(*p, *in.models);
  }
  if (in.api_key) {
    if (Status s = set_key(*p, *in.api_key, ctx); !s.ok()) return s;
  }
  p->updated_at = ctx.now();
  return *p;
}

Status delete_provider(RouterConfig& c, std::string_view id, bool cascade) {
  if (find_provider(c, id) == nullptr) return not_found(id);
  std::vector<std::string> refs = provider_references(c, id);
  if (!refs.empty() && !cascade) return still_referenced("provider " + quoted(id), refs);
  for (auto& g : c.groups) {
    std::erase_if(g.deployments, [&](const Deployment& d) { return d.provider_id == id; });
  }
  std::erase_if(c.providers, [&](const Provider& p) { return p.id == id; });
  return {};
}

Result<ModelsChange> sync_models(RouterConfig& c, std::string_view id,
                                 const std::vector<std::string>& ids, const EditContext& ctx) {
  Provider* p = find_provider(c, id);
  if (p == nullptr) return not_found(id);
  if (Status s = check_model_ids(ids, "models"); !s.ok()) return s;
  std::set<std::string_view> synced(ids.begin(), ids.end());
  ModelsChange change;
  std::vector<ProviderModel> out;
  std::set<std::string> present;
  for (auto& m : p->models) {
    if (m.source == "sync" && !synced.count(m.id)) {
      ++change.removed;
      continue;
    }
    present.insert(m.id);
    out.push_back(std::move(m));
  }
  for (const auto& m : ids) {
    if (present.insert(m).second) {
      out.push_back({m, "sync"});
      ++change.added;
    }
  }
  p->models = std::move(out);
  p->updated_at = ctx.now();
  change.models = p->models;
  return change;
}

Result<ModelsChange> add_models(RouterConfig& c, std::string_view id,
                                const std::vector<std::string>& ids, const EditContext& ctx) {
  Provider* p = find_provider(c, id);
  if (p == nullptr) return not_found(id);
  if (Status s = check_model_ids(ids, "models"); !s.ok()) return s;
  std::set<std::string> present;
  for (const auto& m : p->models) present.insert(m.id);
  ModelsChange change;
  for (const auto& m : ids) {
    if (present.insert(m).second) {
      p->models.push_back({m, "manual"});
      ++change.added;
    }
  }
  if (change.added > 0) p->updated_at = ctx.now();
  change.models = p->models;
  return change;
}

Result<Provider> set_health(RouterConfig& c, std::string_view id, const ProviderHealth& h) {
  Provider* p = find_provider(c, id);
  if (p == nullptr) return not_found(id);
  p->health = h;  // an observation, not an edit: updated_at stays
  return *p;
}

}  // namespace sparouter::store
