// Durable whole-file replacement: a temp file in the same directory, fsync, rename over the
// target, fsync of the directory. A crash at any instant leaves the old or the new content.
#pragma once

#include <string>
#include <string_view>

#include "sparouter/result.hpp"

namespace sparouter::store {

// The temp file is "<path>.tmp.<pid>.<n>", created 0600.
Status write_file_atomic(const std::string& path, std::string_view data);

// Reads a whole file; kNotFound when it does not exist.
Result<std::string> read_file(const std::string& path);

// Removes "<path>.tmp.*" left by a writer that died mid-write; only safe under the lock.
void remove_stale_temps(const std::string& path);

std::string directory_of(const std::string& path);

}  // namespace sparouter::store
