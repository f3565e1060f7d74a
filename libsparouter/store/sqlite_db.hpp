// Thin RAII over the SQLite C API: a connection, prepared statements with typed binds and
// columns, and errors as sparouter::Error carrying SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sparouter/result.hpp"

namespace sparouter::store {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Stmt& bind(int i, const std::optional<int64_t>& v);
  Stmt& bind(int i, const std::optional<std::string>& v);
  Stmt& bind_null(int i);

  // true: a row is ready; false: done. Errors keep SQLite's message.
  Result<bool> step();
  // Runs to completion (for statements without rows) and resets.
  Status run();
  void reset();

  std::string text(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  std::optional<std::string> opt_text(int col) const;

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  // `flags`: SQLITE_OPEN_* (NOMUTEX is added: a Db is used under its owner's lock).
  static Result<Db> open(const std::string& path, int flags);
  Db(Db&& o) noexcept : db_(o.db_), cache_(std::move(o.cache_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Status exec(const char* sql);
  Result<Stmt> prepare(std::string_view sql);
  // A statement prepared once and kept (reset before it is handed out again).
  Result<Stmt*> cached(const char* sql);
  // The single value of a one-row query, as text ("" when no row).
  Result<std::string> query_text(const char* sql);
  Result<int64_t> query_int(const char* sql);

  Error error(const std::string& context) const;
  int errcode() const;
  sqlite3* get() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  void close();
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> cache_;
};

}  // namespace sparouter::store
