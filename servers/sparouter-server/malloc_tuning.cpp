#include "malloc_tuning.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sparouter::server {
namespace {

constexpr const char* kTcacheCount = "glibc.malloc.tcache_count=";
constexpr const char* kTuning = "glibc.malloc.tcache_count=256";

bool sets_tcache_count(const std::string& tunables) {
  // A colon-separated list of name=value.
  size_t start = 0;
  while (start <= tunables.size()) {
    size_t end = tunables.find(':', start);
    if (end == std::string::npos) end = tunables.size();
    if (tunables.compare(start, std::strlen(kTcacheCount), kTcacheCount) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::optional<std::string> tuned_glibc_tunables(const char* current) {
  const std::string now = current == nullptr ? "" : current;
  if (sets_tcache_count(now)) return std::nullopt;
  return now.empty() ? std::string(kTuning) : now + ":" + kTuning;
}

void restart_with_malloc_tuning(char** argv) {
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::string before = current == nullptr ? "" : current;
  const bool was_set = current != nullptr;
  const auto tuned = tuned_glibc_tunables(current);
  if (!tuned) return;
  if (setenv("GLIBC_TUNABLES", tuned->c_str(), 1) != 0) return;
  std::fflush(nullptr);
  execv("/proc/self/exe", argv);  // returns only on failure
  const int err = errno;
  if (was_set) {
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
  std::fprintf(stderr,
               "sparouter-server: cannot restart with GLIBC_TUNABLES=%s (%s): running with "
               "glibc's malloc defaults\n",
               tuned->c_str(), std::strerror(err));
}

}  // namespace sparouter::server
