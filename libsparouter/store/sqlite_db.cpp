#include "store/sqlite_db.hpp"

namespace sparouter::store {

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
Stmt& Stmt::bind(int i, const std::optional<std::string>& v) {
  return v ? bind(i, std::string_view(*v)) : bind_null(i);
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  return Error{Code::kInternal, std::string("SQLite: ") + sqlite3_errmsg(db), ""};
}

Status Stmt::run() {
  Result<bool> r = step();
  reset();
  if (!r.ok()) return r.status();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}
int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(s_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
std::optional<int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

Result<Db> Db::open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error{Code::kInternal, "cannot open database " + path + ": " + msg, ""};
  }
  sqlite3_extended_result_codes(db, 1);
  return Db(db);
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    close();
    db_ = o.db_;
    cache_ = std::move(o.cache_);
    o.db_ = nullptr;
  }
  return *this;
}

Db::~Db() { close(); }

void Db::close() {
  cache_.clear();  // statements first: close_v2 would otherwise linger as a zombie
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Error{Code::kInternal, "SQLite: " + msg, ""};
  }
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
    return error("SQLite cannot prepare a statement");
  }
  return Stmt(s);
}

Result<Stmt*> Db::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->reset();
    return it->second.get();
  }
  Result<Stmt> s = prepare(sql);
  if (!s.ok()) return s.status();
  auto owned = std::make_unique<Stmt>(std::move(s).value());
  Stmt* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

Result<std::string> Db::query_text(const char* sql) {
  Result<Stmt> s = prepare(sql);
  if (!s.ok()) return s.status();
  Result<bool> row = s->step();
  if (!row.ok()) return row.status();
  return *row ? s->text(0) : std::string();
}

Result<int64_t> Db::query_int(const char* sql) {
  Result<Stmt> s = prepare(sql);
  if (!s.ok()) return s.status();
  Result<bool> row = s->step();
  if (!row.ok()) return row.status();
  return *row ? s->int64(0) : 0;
}

Error Db::error(const std::string& context) const {
  return Error{Code::kInternal, context + ": " + sqlite3_errmsg(db_), ""};
}

int Db::errcode() const { return sqlite3_errcode(db_); }

}  // namespace sparouter::store
