#include "store/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sparouter::store {

Result<FileLock> FileLock::acquire(const std::string& state_path) {
  const std::string lock_path = state_path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{Code::kInternal,
                 "cannot open lock file " + lock_path + ": " + std::strerror(errno), ""};
  }
  // flock locks belong to the open file description: a second open, even in this process,
  // conflicts, which is what keeps two stores off one file.
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error{Code::kConflict,
                   "state file " + state_path + " is in use by another sparouter process (lock " +
                       lock_path + " is held); only one process may write a state file",
                   ""};
    }
    return Error{Code::kInternal, "cannot lock " + lock_path + ": " + std::strerror(err), ""};
  }
  return FileLock(fd);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace sparouter::store
