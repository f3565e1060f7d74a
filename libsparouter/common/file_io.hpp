// The few POSIX file operations the state file and the config apply need, each durable where it
// must be: files are fsynced before they become visible, and directories after an entry in them
// changed.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "sparouter/result.hpp"

namespace sparouter::file_io {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

Error io_error(std::string_view what, const std::string& path, int err);
std::string join_path(std::string_view dir, std::string_view rel);
std::string parent_of(const std::string& path);

// mkdir -p (0755 for what it creates).
Status make_dirs(const std::string& path);
Status fsync_dir(const std::string& path);
// A file that must not exist yet, with exactly `mode`, written and fsynced.
Status write_new_file(const std::string& path, std::string_view data, mode_t mode);
// Replaces `path`: temp file in the same directory, fsync, rename, fsync of the directory.
Status replace_file(const std::string& path, std::string_view data, mode_t mode);
// The whole file; kNotFound when it does not exist.
Result<std::string> read_file(const std::string& path);
// rm -rf; errors are ignored (used to clean up after a failure).
void remove_tree(const std::string& path);

}  // namespace sparouter::file_io
