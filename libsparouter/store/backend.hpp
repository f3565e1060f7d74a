// How StoreImpl talks to a persistence backend. A backend only reads and writes whole states;
// every rule lives above it (edits_*.cpp, validation), so the backends cannot disagree.
//
// A mutation runs: begin() (takes the write lock), stale() and load() when another process
// committed meanwhile, commit(before, after) or abort(). commit() persists `after` atomically
// and durably, or leaves `before` in place and reports why.
#pragma once

#include <memory>
#include <string>

#include "sparouter/result.hpp"
#include "store/state.hpp"

namespace sparouter::store {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string describe() const = 0;
  // True when the store did not exist before this process opened it.
  virtual bool fresh() const = 0;
  virtual Result<StoreState> load() = 0;
  // Another process committed since our last load or commit (always false for a file store,
  // which one process owns).
  virtual Result<bool> stale() = 0;
  virtual Status begin() = 0;
  virtual Status commit(const StoreState& before, const StoreState& after) = 0;
  virtual void abort() = 0;
  // Whether the storage still works as opened (readiness): the state file's path still takes
  // a file, the database file is still the one opened. Cheap: no write, no lock.
  virtual Status probe() = 0;
};

using BackendPtr = std::unique_ptr<Backend>;

}  // namespace sparouter::store
