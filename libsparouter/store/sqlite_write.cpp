// write_row_changes: the difference of two states as row changes. Rows are keyed by id (group
// name, deployment id); a row is written only when it or its position changed, so one provider
// update touches one row however many deployments there are.
#include <algorithm>
#include <unordered_map>

#include "model/json_codec.hpp"
#include "model/names.hpp"
#include "store/sqlite_rows.hpp"

namespace sparouter::store {
namespace {

#define SR_TRY(expr)                             \
  do {                                           \
    if (Status s_ = (expr); !s_.ok()) return s_; \
  } while (0)

Result<Stmt*> stmt(Db& db, const char* sql) { return db.cached(sql); }

template <class T>
std::string json_of(const T& v) {
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  model::encode(w, v);
  return std::string(buf.GetString(), buf.GetSize());
}

Status put_meta(Db& db, const char* key, std::string_view value) {
  Result<Stmt*> s = stmt(db,
                         "INSERT INTO meta (key, value) VALUES (?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!s.ok()) return s.status();
  return (*s)->bind(1, std::string_view(key)).bind(2, value).run();
}

Status write_meta(Db& db, const StoreState& b, const StoreState& a) {
  if (a.secrets.salt != b.secrets.salt) SR_TRY(put_meta(db, "salt", a.secrets.salt));
  if (a.secrets.key_check != b.secrets.key_check) {
    SR_TRY(put_meta(db, "key_check", a.secrets.key_check));
  }
  // A fresh database has no rows yet: write them whatever the "before" state says.
  const bool first = b.secrets.salt.empty();
  if (first || a.data.config.classifier != b.data.config.classifier) {
    SR_TRY(put_meta(db, "classifier", json_of(a.data.config.classifier)));
  }
  if (first || a.data.config.settings != b.data.config.settings) {
    SR_TRY(put_meta(db, "settings", json_of(a.data.config.settings)));
  }
  return {};
}

Status delete_by_key(Db& db, const char* sql, std::string_view key) {
  Result<Stmt*> s = stmt(db, sql);
  if (!s.ok()) return s.status();
  return (*s)->bind(1, key).run();
}

Status upsert_provider(Db& db, const Provider& p, int64_t position) {
  Result<Stmt*> s = stmt(
      db,
      "INSERT INTO providers (id, position, name, kind, base_url, api_version, api_key_sealed,"
      " api_key_masked, enabled, created_at, updated_at, health_status, health_latency_ms,"
      " health_checked_at, health_http_status, health_error)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(id) DO UPDATE SET position = excluded.position, name = excluded.name,"
      " kind = excluded.kind, base_url = excluded.base_url, api_version = excluded.api_version,"
      " api_key_sealed = excluded.api_key_sealed, api_key_masked = excluded.api_key_masked,"
      " enabled = excluded.enabled, created_at = excluded.created_at,"
      " updated_at = excluded.updated_at, health_status = excluded.health_status,"
      " health_latency_ms = excluded.health_latency_ms,"
      " health_checked_at = excluded.health_checked_at,"
      " health_http_status = excluded.health_http_status, health_error = excluded.health_error");
  if (!s.ok()) return s.status();
  Stmt& q = **s;
  q.bind(1, std::string_view(p.id)).bind(2, position).bind(3, std::string_view(p.name));
  q.bind(4, model::to_string(p.kind)).bind(5, std::string_view(p.base_url)).bind(6, p.api_version);
  q.bind(7, std::string_view(p.api_key_sealed)).bind(8, std::string_view(p.api_key_masked));
  q.bind(9, p.enabled)
      .bind(10, std::string_view(p.created_at))
      .bind(11, std::string_view(p.updated_at));
  q.bind(12, model::to_string(p.health.status)).bind(13, p.health.latency_ms);
  q.bind(14, std::string_view(p.health.checked_at)).bind(15, p.health.http_status);
  q.bind(16, p.health.error);
  return q.run();
}

Status write_models(Db& db, const Provider& p) {
  SR_TRY(delete_by_key(db, "DELETE FROM provider_models WHERE provider_id = ?", p.id));
  for (size_t i = 0; i < p.models.size(); ++i) {
    Result<Stmt*> s = stmt(db,
                           "INSERT INTO provider_models (provider_id, position, model_id, source) "
                           "VALUES (?, ?, ?, ?)");
    if (!s.ok()) return s.status();
    (*s)->bind(1, std::string_view(p.id)).bind(2, static_cast<int64_t>(i));
    SR_TRY((*s)->bind(3, std::string_view(p.models[i].id))
               .bind(4, std::string_view(p.models[i].source))
               .run());
  }
  return {};
}

Status write_providers(Db& db, const RouterConfig& b, const RouterConfig& a) {
  std::unordered_map<std::string_view, std::pair<size_t, const Provider*>> old;
  for (size_t i = 0; i < b.providers.size(); ++i)
    old.emplace(b.providers[i].id, std::pair{i, &b.providers[i]});
  std::unordered_map<std::string_view, bool> kept;
  for (size_t i = 0; i < a.providers.size(); ++i) {
    const Provider& p = a.providers[i];
    auto it = old.find(p.id);
    kept.emplace(p.id, true);
    const bool is_new = it == old.end();
    if (is_new || it->second.first != i || !(*it->second.second == p)) {
      SR_TRY(upsert_provider(db, p, static_cast<int64_t>(i)));
    }
    if (is_new || it->second.second->models != p.models) SR_TRY(write_models(db, p));
  }
  for (const auto& p : b.providers) {
    if (kept.count(p.id)) continue;
    SR_TRY(delete_by_key(db, "DELETE FROM provider_models WHERE provider_id = ?", p.id));
    SR_TRY(delete_by_key(db, "DELETE FROM providers WHERE id = ?", p.id));
  }
  return {};
}

Status write_group_row(Db& db, const Group& g, int64_t position, bool fallbacks_changed) {
  Result<Stmt*> s = stmt(db,
                         "INSERT INTO route_groups (name, position, description) VALUES (?, ?, ?)"
                         " ON CONFLICT(name) DO UPDATE SET position = excluded.position,"
                         " description = excluded.description");
  if (!s.ok()) return s.status();
  SR_TRY((*s)->bind(1, std::string_view(g.name))
             .bind(2, position)
             .bind(3, std::string_view(g.description))
             .run());
  if (!fallbacks_changed) return {};
  SR_TRY(delete_by_key(db, "DELETE FROM group_fallbacks WHERE group_name = ?", g.name));
  for (size_t i = 0; i < g.fallbacks.size(); ++i) {
    Result<Stmt*> f =
        stmt(db, "INSERT INTO group_fallbacks (group_name, position, fallback) VALUES (?, ?, ?)");
    if (!f.ok()) return f.status();
    SR_TRY((*f)->bind(1, std::string_view(g.name))
               .bind(2, static_cast<int64_t>(i))
               .bind(3, std::string_view(g.fallbacks[i]))
               .run());
  }
  return {};
}

Status upsert_deployment(Db& db, const Deployment& d, int64_t position) {
  Result<Stmt*> s = stmt(
      db,
      "INSERT INTO deployments (id, group_name, position, provider_id, model, weight, priority,"
      " enabled, timeout_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(id) DO UPDATE SET group_name = excluded.group_name,"
      " position = excluded.position, provider_id = excluded.provider_id, model = excluded.model,"
      " weight = excluded.weight, priority = excluded.priority, enabled = excluded.enabled,"
      " timeout_ms = excluded.timeout_ms");
  if (!s.ok()) return s.status();
  Stmt& q = **s;
  q.bind(1, std::string_view(d.id)).bind(2, std::string_view(d.group)).bind(3, position);
  q.bind(4, std::string_view(d.provider_id)).bind(5, std::string_view(d.model)).bind(6, d.weight);
  q.bind(7, d.priority).bind(8, d.enabled).bind(9, d.timeout_ms);
  return q.run();
}

Status write_groups(Db& db, const RouterConfig& b, const RouterConfig& a) {
  std::unordered_map<std::string_view, std::pair<size_t, const Group*>> old_groups;
  std::unordered_map<std::string_view, std::pair<size_t, const Deployment*>> old_deps;
  for (size_t i = 0; i < b.groups.size(); ++i) {
    old_groups.emplace(b.groups[i].name, std::pair{i, &b.groups[i]});
    for (size_t j = 0; j < b.groups[i].deployments.size(); ++j) {
      old_deps.emplace(b.groups[i].deployments[j].id, std::pair{j, &b.groups[i].deployments[j]});
    }
  }
  std::unordered_map<std::string_view, bool> kept_groups, kept_deps;
  for (size_t i = 0; i < a.groups.size(); ++i) {
    const Group& g = a.groups[i];
    kept_groups.emplace(g.name, true);
    auto it = old_groups.find(g.name);
    const bool is_new = it == old_groups.end();
    const bool fallbacks_changed = is_new || it->second.second->fallbacks != g.fallbacks;
    if (is_new || it->second.first != i || it->second.second->description != g.description ||
        fallbacks_changed) {
      SR_TRY(write_group_row(db, g, static_cast<int64_t>(i), fallbacks_changed));
    }
    for (size_t j = 0; j < g.deployments.size(); ++j) {
      const Deployment& d = g.deployments[j];
      kept_deps.emplace(d.id, true);
      auto od = old_deps.find(d.id);
      if (od == old_deps.end() || od->second.first != j || !(*od->second.second == d)) {
        SR_TRY(upsert_deployment(db, d, static_cast<int64_t>(j)));
      }
    }
  }
  for (const auto& [id, unused] : old_deps) {
    if (!kept_deps.count(id)) SR_TRY(delete_by_key(db, "DELETE FROM deployments WHERE id = ?", id));
  }
  for (const auto& g : b.groups) {
    if (kept_groups.count(g.name)) continue;
    SR_TRY(delete_by_key(db, "DELETE FROM group_fallbacks WHERE group_name = ?", g.name));
    SR_TRY(delete_by_key(db, "DELETE FROM route_groups WHERE name = ?", g.name));
  }
  return {};
}

Status insert_applied(Db& db, const AppliedVersion& h) {
  Result<Stmt*> s = stmt(db, "INSERT INTO applied_versions (version, applied_at) VALUES (?, ?)");
  if (!s.ok()) return s.status();
  SR_TRY((*s)->bind(1, std::string_view(h.version)).bind(2, std::string_view(h.applied_at)).run());
  const int64_t seq = sqlite3_last_insert_rowid(db.get());
  for (size_t i = 0; i < h.files.size(); ++i) {
    Result<Stmt*> f =
        stmt(db, "INSERT INTO applied_files (seq, position, path, sha256) VALUES (?, ?, ?, ?)");
    if (!f.ok()) return f.status();
    SR_TRY((*f)->bind(1, seq)
               .bind(2, static_cast<int64_t>(i))
               .bind(3, std::string_view(h.files[i].path))
               .bind(4, std::string_view(h.files[i].sha256))
               .run());
  }
  return {};
}

// History only grows at the end and loses its oldest entries past kMaxHistory; anything else
// (an import) rewrites it.
Status write_history(Db& db, const std::vector<AppliedVersion>& b,
                     const std::vector<AppliedVersion>& a) {
  if (a == b) return {};
  size_t dropped = 0;
  for (; dropped <= b.size(); ++dropped) {
    const size_t kept = b.size() - dropped;
    if (kept <= a.size() &&
        std::equal(b.begin() + static_cast<std::ptrdiff_t>(dropped), b.end(), a.begin()))
      break;
  }
  if (dropped > 0) {
    Result<Stmt*> s = stmt(db,
                           "DELETE FROM applied_versions WHERE seq IN"
                           " (SELECT seq FROM applied_versions ORDER BY seq LIMIT ?)");
    if (!s.ok()) return s.status();
    SR_TRY((*s)->bind(1, static_cast<int64_t>(dropped)).run());
  }
  for (size_t i = b.size() - dropped; i < a.size(); ++i) SR_TRY(insert_applied(db, a[i]));
  return {};
}

}  // namespace

Status write_row_changes(Db& db, const StoreState& before, const StoreState& after) {
  SR_TRY(write_meta(db, before, after));
  SR_TRY(write_providers(db, before.data.config, after.data.config));
  SR_TRY(write_groups(db, before.data.config, after.data.config));
  return write_history(db, before.data.history, after.data.history);
}

#undef SR_TRY

}  // namespace sparouter::store
