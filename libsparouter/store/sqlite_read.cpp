// read_rows: the whole state from the SQLite tables.
#include <unordered_map>

#include "model/json_codec.hpp"
#include "model/names.hpp"
#include "store/sqlite_rows.hpp"

namespace sparouter::store {
namespace {

Error bad_row(const std::string& path, const std::string& what) {
  return Error{Code::kInternal, "database " + path + " holds an unreadable row: " + what, ""};
}

template <class T>
Status decode_json(const std::string& path, const std::string& json, const char* what, T& out) {
  rapidjson::Document doc;
  Status s = model::parse_document(json, doc);
  if (s.ok()) s = model::decode(doc, what, out);
  if (!s.ok()) return bad_row(path, std::string(what) + ": " + s.error().message);
  return {};
}

Status read_meta(Db& db, const std::string& path, StoreState& out) {
  Result<Stmt> s = db.prepare("SELECT key, value FROM meta");
  if (!s.ok()) return s.status();
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
    const std::string key = s->text(0);
    std::string value = s->text(1);
    if (key == "salt") {
      out.secrets.salt = std::move(value);
    } else if (key == "key_check") {
      out.secrets.key_check = std::move(value);
    } else if (key == "classifier") {
      if (Status st = decode_json(path, value, "classifier", out.data.config.classifier); !st.ok())
        return st;
    } else if (key == "settings") {
      if (Status st = decode_json(path, value, "settings", out.data.config.settings); !st.ok())
        return st;
    }
  }
}

Status read_providers(Db& db, const std::string& path, RouterConfig& c) {
  Result<Stmt> s = db.prepare(
      "SELECT id, name, kind, base_url, api_version, api_key_sealed, api_key_masked, enabled,"
      " created_at, updated_at, health_status, health_latency_ms, health_checked_at,"
      " health_http_status, health_error FROM providers ORDER BY position, id");
  if (!s.ok()) return s.status();
  std::unordered_map<std::string, size_t> index;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Provider p;
    p.id = s->text(0);
    p.name = s->text(1);
    auto kind = model::provider_kind_from(s->text(2));
    auto status = model::health_status_from(s->text(10));
    if (!kind || !status)
      return bad_row(path, "provider " + p.id + " has an unknown kind or health status");
    p.kind = *kind;
    p.base_url = s->text(3);
    p.api_version = s->opt_text(4);
    p.api_key_sealed = s->text(5);
    p.api_key_masked = s->text(6);
    p.enabled = s->int64(7) != 0;
    p.created_at = s->text(8);
    p.updated_at = s->text(9);
    p.health.status = *status;
    p.health.latency_ms = s->opt_int64(11);
    p.health.checked_at = s->text(12);
    p.health.http_status = s->opt_int64(13);
    p.health.error = s->opt_text(14);
    index.emplace(p.id, c.providers.size());
    c.providers.push_back(std::move(p));
  }
  Result<Stmt> m = db.prepare(
      "SELECT provider_id, model_id, source FROM provider_models ORDER BY provider_id, position");
  if (!m.ok()) return m.status();
  for (;;) {
    Result<bool> row = m->step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
    auto it = index.find(m->text(0));
    if (it == index.end()) return bad_row(path, "a model of an unknown provider");
    c.providers[it->second].models.push_back({m->text(1), m->text(2)});
  }
}

Status read_groups(Db& db, const std::string& path, RouterConfig& c) {
  Result<Stmt> s = db.prepare("SELECT name, description FROM route_groups ORDER BY position, name");
  if (!s.ok()) return s.status();
  std::unordered_map<std::string, size_t> index;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Group g;
    g.name = s->text(0);
    g.description = s->text(1);
    index.emplace(g.name, c.groups.size());
    c.groups.push_back(std::move(g));
  }
  Result<Stmt> f =
      db.prepare("SELECT group_name, fallback FROM group_fallbacks ORDER BY group_name, position");
  if (!f.ok()) return f.status();
  for (;;) {
    Result<bool> row = f->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto it = index.find(f->text(0));
    if (it == index.end()) return bad_row(path, "a fallback of an unknown group");
    c.groups[it->second].fallbacks.push_back(f->text(1));
  }
  Result<Stmt> d = db.prepare(
      "SELECT id, group_name, provider_id, model, weight, priority, enabled, timeout_ms"
      " FROM deployments ORDER BY group_name, position");
  if (!d.ok()) return d.status();
  for (;;) {
    Result<bool> row = d->step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
    Deployment dep;
    dep.id = d->text(0);
    dep.group = d->text(1);
    dep.provider_id = d->text(2);
    dep.model = d->text(3);
    dep.weight = d->real(4);
    dep.priority = d->int64(5);
    dep.enabled = d->int64(6) != 0;
    dep.timeout_ms = d->opt_int64(7);
    auto it = index.find(dep.group);
    if (it == index.end()) return bad_row(path, "deployment " + dep.id + " of an unknown group");
    c.groups[it->second].deployments.push_back(std::move(dep));
  }
}

Status read_history(Db& db, const std::string& path, std::vector<AppliedVersion>& out) {
  Result<Stmt> s = db.prepare("SELECT seq, version, applied_at FROM applied_versions ORDER BY seq");
  if (!s.ok()) return s.status();
  std::unordered_map<int64_t, size_t> index;
  for (;;) {
    Result<bool> row = s->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    index.emplace(s->int64(0), out.size());
    out.push_back({s->text(1), s->text(2), {}});
  }
  Result<Stmt> f = db.prepare("SELECT seq, path, sha256 FROM applied_files ORDER BY seq, position");
  if (!f.ok()) return f.status();
  for (;;) {
    Result<bool> row = f->step();
    if (!row.ok()) return row.status();
    if (!*row) return {};
    auto it = index.find(f->int64(0));
    if (it == index.end()) return bad_row(path, "a file hash of an unknown applied version");
    out[it->second].files.push_back({f->text(1), f->text(2)});
  }
}

}  // namespace

Result<StoreState> read_rows(Db& db, const std::string& path) {
  StoreState out;
  if (Status s = read_meta(db, path, out); !s.ok()) return s;
  if (Status s = read_providers(db, path, out.data.config); !s.ok()) return s;
  if (Status s = read_groups(db, path, out.data.config); !s.ok()) return s;
  if (Status s = read_history(db, path, out.data.history); !s.ok()) return s;
  return out;
}

}  // namespace sparouter::store
