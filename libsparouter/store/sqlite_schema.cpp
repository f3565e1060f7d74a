#include "store/sqlite_schema.hpp"

namespace sparouter::store {
namespace {

// Foreign keys are deferred: a mutation's rows are checked together at COMMIT, so the order
// of the row changes inside it does not matter (a group rename, an import).
constexpr const char* kMigrations[] = {
    // 1: providers, models, groups, fallbacks, deployments, settings and classifier, history.
    R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE providers (
  id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  base_url TEXT NOT NULL, api_version TEXT, api_key_sealed TEXT NOT NULL DEFAULT '',
  api_key_masked TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL DEFAULT '');
CREATE TABLE provider_models (
  provider_id TEXT NOT NULL
    REFERENCES providers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL, model_id TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (provider_id, position)) WITHOUT ROWID;
CREATE TABLE route_groups (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL, description TEXT NOT NULL DEFAULT '');
CREATE TABLE group_fallbacks (
  group_name TEXT NOT NULL
    REFERENCES route_groups(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  fallback TEXT NOT NULL REFERENCES route_groups(name) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (group_name, position)) WITHOUT ROWID;
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  group_name TEXT NOT NULL REFERENCES route_groups(name) DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL,
  provider_id TEXT NOT NULL REFERENCES providers(id) DEFERRABLE INITIALLY DEFERRED,
  model TEXT NOT NULL, weight REAL NOT NULL, priority INTEGER NOT NULL, enabled INTEGER NOT NULL,
  timeout_ms INTEGER);
CREATE INDEX deployments_by_group ON deployments(group_name, position);
CREATE INDEX deployments_by_provider ON deployments(provider_id);
CREATE TABLE applied_versions (
  seq INTEGER PRIMARY KEY, version TEXT NOT NULL, applied_at TEXT NOT NULL);
)sql",
    // 2: the last health check of each provider, and the file hashes of each applied version.
    R"sql(
ALTER TABLE providers ADD COLUMN health_status TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE providers ADD COLUMN health_latency_ms INTEGER;
ALTER TABLE providers ADD COLUMN health_checked_at TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN health_http_status INTEGER;
ALTER TABLE providers ADD COLUMN health_error TEXT;
CREATE TABLE applied_files (
  seq INTEGER NOT NULL
    REFERENCES applied_versions(seq) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  position INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
  PRIMARY KEY (seq, position)) WITHOUT ROWID;
)sql",
};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kSchemaVersion);

Error unreadable(const std::string& path, const std::string& why) {
  return Error{Code::kInternal,
               "database " + path + " cannot be used: " + why +
                   ". It was left untouched; fix DATABASE_URL or move the file away.",
               ""};
}

}  // namespace

Result<int64_t> read_schema_version(Db& db, const std::string& path) {
  // The first read of the header is where SQLite notices a file that is not a database.
  Result<int64_t> tables = db.query_int("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) return unreadable(path, tables.error().message);
  if (*tables == 0) return int64_t{0};
  Result<int64_t> has_version = db.query_int(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!has_version.ok()) return unreadable(path, has_version.error().message);
  if (*has_version == 0) {
    return unreadable(path,
                      "it is a SQLite database, but not a sparouter one (no schema_version table)");
  }
  Result<int64_t> v = db.query_int("SELECT version FROM schema_version");
  if (!v.ok()) return unreadable(path, v.error().message);
  if (*v > kSchemaVersion) {
    return Error{Code::kVersion,
                 "database " + path + " has schema version " + std::to_string(*v) +
                     ", newer than this build knows (" + std::to_string(kSchemaVersion) +
                     "): upgrade sparouter. The database was left untouched.",
                 ""};
  }
  return *v;
}

Status migrate(Db& db, const std::string& path, int64_t target) {
  if (Status s = db.exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](Status s) {
    (void)db.exec("ROLLBACK");
    return s;
  };
  Result<int64_t> v = read_schema_version(db, path);
  if (!v.ok()) return fail(v.status());
  for (int64_t next = *v + 1; next <= target; ++next) {
    if (Status s = db.exec(kMigrations[next - 1]); !s.ok()) {
      return fail(Error{Code::kInternal,
                        "migrating " + path + " to schema " + std::to_string(next) +
                            " failed: " + s.error().message,
                        ""});
    }
    Result<Stmt> set = db.prepare("UPDATE schema_version SET version = ?");
    if (!set.ok()) return fail(set.status());
    if (Status s = set->bind(1, next).run(); !s.ok()) return fail(s);
  }
  if (Status s = db.exec("COMMIT"); !s.ok()) return fail(s);
  return {};
}

}  // namespace sparouter::store
