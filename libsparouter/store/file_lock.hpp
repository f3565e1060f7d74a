// An advisory, process-exclusive lock (flock) on "<path>.lock", so that two processes never
// interleave writes to one state file. The lock file stays on disk; only the lock matters.
#pragma once

#include <string>

#include "sparouter/result.hpp"

namespace sparouter::store {

class FileLock {
 public:
  // kConflict when another process (or another open store in this one) holds it.
  static Result<FileLock> acquire(const std::string& state_path);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sparouter::store
