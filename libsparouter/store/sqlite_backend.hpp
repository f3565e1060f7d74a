// STORAGE_MODE=sqlite: the state in normalized tables (sqlite_schema.cpp), WAL journal,
// foreign keys on, a busy timeout, synchronous=FULL; one IMMEDIATE transaction per mutation.
// Several processes may share a database: each mutation first picks up what others committed.
#pragma once

#include <string>

#include "store/backend.hpp"

namespace sparouter::store {

// Opens or creates the database at `path` and migrates it. A file that is not a sparouter
// database, is corrupt, or has a newer schema is refused and left untouched.
Result<BackendPtr> open_sqlite_backend(const std::string& path);

inline constexpr int kBusyTimeoutMs = 10000;

}  // namespace sparouter::store
