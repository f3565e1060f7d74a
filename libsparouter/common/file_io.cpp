#include "common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace sparouter::file_io {
namespace {

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status write_fd(Fd& fd, const std::string& path, std::string_view data, mode_t mode) {
  if (fd.get() < 0) return io_error("cannot create", path, errno);
  // fchmod: the exact mode whatever the umask (0600 for the env file, 0644 for the others).
  if (::fchmod(fd.get(), mode) != 0) return io_error("cannot chmod", path, errno);
  if (Status s = write_all(fd.get(), data, path); !s.ok()) return s;
  if (::fsync(fd.get()) != 0) return io_error("cannot fsync", path, errno);
  if (::close(fd.release()) != 0) return io_error("cannot close", path, errno);
  return {};
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Error io_error(std::string_view what, const std::string& path, int err) {
  return Error{Code::kInternal, std::string(what) + " " + path + ": " + std::strerror(err), ""};
}

std::string join_path(std::string_view dir, std::string_view rel) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += rel;
  return out;
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status make_dirs(const std::string& path) {
  if (path.empty()) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return io_error("cannot use as a directory", path, ENOTDIR);
  }
  if (std::string parent = parent_of(path); parent != path && parent != ".") {
    if (Status s = make_dirs(parent); !s.ok()) return s;
  }
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return io_error("cannot create directory", path, errno);
  return {};
}

Status fsync_dir(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open directory", path, errno);
  if (::fsync(fd.get()) != 0) return io_error("cannot fsync directory", path, errno);
  return {};
}

Status write_new_file(const std::string& path, std::string_view data, mode_t mode) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  return write_fd(fd, path, data, mode);
}

Status replace_file(const std::string& path, std::string_view data, mode_t mode) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  Status s = write_fd(fd, tmp, data, mode);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    s = io_error("cannot rename over", path, errno);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return fsync_dir(parent_of(path));
}

Result<std::string> read_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Error{Code::kNotFound, path + " does not exist", ""};
    return io_error("cannot open", path, errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace sparouter::file_io
