#include "store/memory_backend.hpp"

namespace sparouter::store {
namespace {

class MemoryBackend final : public Backend {
 public:
  std::string describe() const override { return "memory"; }
  bool fresh() const override { return true; }
  // Loaded once, at open, and never stale: StoreImpl's snapshot is the only copy.
  Result<StoreState> load() override { return StoreState{}; }
  Result<bool> stale() override { return false; }
  Status probe() override { return {}; }
  Status begin() override { return {}; }
  Status commit(const StoreState&, const StoreState&) override { return {}; }
  void abort() override {}
};

}  // namespace

BackendPtr make_memory_backend() { return BackendPtr(new MemoryBackend()); }

}  // namespace sparouter::store
