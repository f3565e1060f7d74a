// STORAGE_MODE=file: the whole state is one JSON document (document.hpp) at STATE_FILE,
// rewritten atomically on every commit, owned by one process through a lock file.
#pragma once

#include <string>

#include "store/backend.hpp"

namespace sparouter::store {

// Takes the lock and reads the file. A file that cannot be read is reported and left alone.
Result<BackendPtr> open_file_backend(const std::string& path);

}  // namespace sparouter::store
