// open_store and the parsing of STORAGE_MODE and DATABASE_URL.
#include "sparouter/store.hpp"
#include "store/file_backend.hpp"
#include "store/memory_backend.hpp"
#include "store/sqlite_backend.hpp"
#include "store/store_impl.hpp"

namespace sparouter {

Result<StorageMode> parse_storage_mode(std::string_view mode) {
  if (mode.empty() || mode == "file") return StorageMode::kFile;
  if (mode == "sqlite") return StorageMode::kSqlite;
  return invalid("STORAGE_MODE",
                 "STORAGE_MODE must be \"file\" or \"sqlite\", not \"" + std::string(mode) + "\"");
}

Result<std::string> sqlite_path_from_url(std::string_view url) {
  constexpr std::string_view kScheme = "sqlite:///";
  if (url.substr(0, kScheme.size()) != kScheme || url.size() == kScheme.size()) {
    return invalid("DATABASE_URL",
                   "DATABASE_URL must look like sqlite:///relative/path.db or "
                   "sqlite:////absolute/path.db");
  }
  std::string path(url.substr(kScheme.size()));
  if (path == ":memory:") {
    return invalid("DATABASE_URL", "an in-memory SQLite database would lose the state on exit");
  }
  return path;
}

Result<StorePtr> open_store(StoreOptions options) {
  Result<store::BackendPtr> backend = Error{};
  switch (options.mode) {
    case StorageMode::kFile: backend = store::open_file_backend(options.state_file); break;
    case StorageMode::kSqlite: {
      Result<std::string> path = sqlite_path_from_url(options.database_url);
      if (!path.ok()) return path.status();
      backend = store::open_sqlite_backend(*path);
      break;
    }
    case StorageMode::kMemory: backend = store::make_memory_backend(); break;
  }
  if (!backend.ok()) return backend.status();
  return store::StoreImpl::open(std::move(backend).value(), std::move(options));
}

}  // namespace sparouter
