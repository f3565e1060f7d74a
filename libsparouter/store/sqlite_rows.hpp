// The state as rows of the SQLite schema (sqlite_schema.cpp): reading all of it, and writing
// the difference between two states as row changes (only the rows that changed), inside the
// caller's transaction.
#pragma once

#include <string>

#include "store/sqlite_db.hpp"
#include "store/state.hpp"

namespace sparouter::store {

Result<StoreState> read_rows(Db& db, const std::string& path);
Status write_row_changes(Db& db, const StoreState& before, const StoreState& after);

}  // namespace sparouter::store
