#include "store/sqlite_backend.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite_db.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_schema.hpp"

namespace sparouter::store {
namespace {

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(std::string path, Db db, bool fresh)
      : path_(std::move(path)), db_(std::move(db)), fresh_(fresh) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
      device_ = st.st_dev;
      inode_ = st.st_ino;
    }
  }

  std::string describe() const override { return "sqlite " + path_; }
  bool fresh() const override { return fresh_; }

  Result<StoreState> load() override {
    // Outside a write, a read transaction keeps the tables consistent with one another.
    const bool own_tx = !in_write_;
    if (own_tx) {
      if (Status s = db_.exec("BEGIN"); !s.ok()) return s;
    }
    Result<StoreState> st = read_rows(db_, path_);
    Result<int64_t> version = st.ok() ? db_.query_int("PRAGMA data_version") : int64_t{0};
    if (own_tx) (void)db_.exec(st.ok() && version.ok() ? "COMMIT" : "ROLLBACK");
    if (!st.ok()) return st;
    if (!version.ok()) return version.status();
    data_version_ = *version;
    return st;
  }

  Result<bool> stale() override {
    // data_version moves only when another connection commits.
    Result<int64_t> v = db_.query_int("PRAGMA data_version");
    if (!v.ok()) return v.status();
    return *v != data_version_;
  }

  // The open connection writes to the file it opened: if that file was removed or replaced, a
  // write would succeed into a file no restart sees again.
  Status probe() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      return Error{Code::kUnavailable,
                   "database " + path_ + " is gone (" + std::strerror(errno) +
                       "): it was removed while open; restart to open it again",
                   ""};
    }
    if (st.st_dev != device_ || st.st_ino != inode_) {
      return Error{Code::kUnavailable,
                   "database " + path_ + " was replaced while open; restart to open the new one",
                   ""};
    }
    Result<int64_t> v = db_.query_int("PRAGMA data_version");
    if (!v.ok()) return Error{Code::kUnavailable, "database " + path_ + ": " + v.error().message, ""};
    return {};
  }

  Status begin() override {
    if (Status s = probe(); !s.ok()) return Error{s.error().code, s.error().message + "; nothing was changed", ""};
    if (Status s = db_.exec("BEGIN IMMEDIATE"); !s.ok()) {
      return Error{Code::kUnavailable,
                   "database " + path_ + " is busy (another writer held it for " +
                       std::to_string(kBusyTimeoutMs / 1000) + " s): " + s.error().message,
                   ""};
    }
    in_write_ = true;
    return {};
  }

  Status commit(const StoreState& before, const StoreState& after) override {
    Status s = write_row_changes(db_, before, after);
    if (s.ok()) s = db_.exec("COMMIT");
    if (!s.ok()) {
      (void)db_.exec("ROLLBACK");
      in_write_ = false;
      return Error{Code::kInternal,
                   "database " + path_ + ": " + s.error().message + "; nothing was changed", ""};
    }
    in_write_ = false;
    return {};
  }

  void abort() override {
    if (in_write_) (void)db_.exec("ROLLBACK");
    in_write_ = false;
  }

 private:
  std::string path_;
  Db db_;
  bool fresh_;
  bool in_write_ = false;
  int64_t data_version_ = -1;
  dev_t device_ = 0;  // the file opened, to tell it from one put in its place
  ino_t inode_ = 0;
};

Status configure(Db& db) {
  // journal_mode answers with the mode in force; anything but "wal" means WAL is unavailable.
  Result<std::string> mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal")
    return Error{Code::kInternal, "the database cannot use WAL (journal mode " + *mode + ")", ""};
  if (Status s = db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"); !s.ok()) return s;
  return {};
}

}  // namespace

Result<BackendPtr> open_sqlite_backend(const std::string& path) {
  struct stat st {};
  const bool existed = ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
  Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE | (existed ? 0 : SQLITE_OPEN_CREATE));
  if (!db.ok()) return db.status();
  sqlite3_busy_timeout(db->get(), kBusyTimeoutMs);
  // Read-only checks first: nothing is written to a file we cannot use.
  Result<int64_t> version = read_schema_version(*db, path);
  if (!version.ok()) return version.status();
  if (existed && *version > 0) {
    Result<std::string> check = db->query_text("PRAGMA quick_check");
    if (!check.ok() || *check != "ok") {
      return Error{Code::kInternal,
                   "database " + path + " is corrupt (" +
                       (check.ok() ? *check : check.error().message) +
                       "). It was left untouched; restore it from a backup.",
                   ""};
    }
  }
  if (Status s = configure(*db); !s.ok()) return s;
  if (Status s = migrate(*db, path); !s.ok()) return s;
  const bool fresh = *version == 0;
  return BackendPtr(new SqliteBackend(path, std::move(db).value(), fresh));
}

}  // namespace sparouter::store
