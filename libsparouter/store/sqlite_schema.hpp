// The SQLite schema and its forward migrations. Version n's migration turns a version n-1
// database into version n; they run at open, in one transaction, oldest first. A database
// newer than kSchemaVersion is refused, never touched.
#pragma once

#include <cstdint>
#include <string>

#include "store/sqlite_db.hpp"

namespace sparouter::store {

inline constexpr int64_t kSchemaVersion = 2;

// 0 for an empty database. Errors for a file that is not a SQLite database or is another
// application's database.
Result<int64_t> read_schema_version(Db& db, const std::string& path);

// Brings the database to `target` (<= kSchemaVersion) inside one IMMEDIATE transaction;
// re-reads the version inside it, so two processes opening at once migrate once.
Status migrate(Db& db, const std::string& path, int64_t target = kSchemaVersion);

}  // namespace sparouter::store
