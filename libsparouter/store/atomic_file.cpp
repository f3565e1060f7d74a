#include "store/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "common/file_io.hpp"

namespace sparouter::store {
namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string directory_of(const std::string& path) { return file_io::parent_of(path); }

Status write_file_atomic(const std::string& path, std::string_view data) {
  return file_io::replace_file(path, data, 0600);
}

Result<std::string> read_file(const std::string& path) { return file_io::read_file(path); }

void remove_stale_temps(const std::string& path) {
  const std::string dir = directory_of(path);
  const std::string prefix = base_name(path) + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0) {
      ::unlinkat(::dirfd(d), e->d_name, 0);
    }
  }
  ::closedir(d);
}

}  // namespace sparouter::store
