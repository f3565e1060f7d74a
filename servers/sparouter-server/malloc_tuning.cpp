#include "malloc_tuning.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sparouter::server {
namespace {

constexpr const char* kTuning = "glibc.malloc.tcache_count=256";

}  // namespace

std::optional<std::string> tuned_glibc_tunables(const char* current) {
  const std::string now = current == nullptr ? "" : current;
  // A colon-separated list of name=value.
  if ((":" + now).find(":glibc.malloc.tcache_count=") != std::string::npos) return std::nullopt;
  return now.empty() ? std::string(kTuning) : now + ":" + kTuning;
}

void restart_with_malloc_tuning(char** argv) {
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> before =
      current == nullptr ? std::nullopt : std::optional<std::string>(current);
  const auto tuned = tuned_glibc_tunables(current);
  if (!tuned) return;
  if (setenv("GLIBC_TUNABLES", tuned->c_str(), 1) != 0) return;
  std::fflush(nullptr);
  execv("/proc/self/exe", argv);  // returns only on failure
  const int err = errno;
  if (before) {
    setenv("GLIBC_TUNABLES", before->c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
  std::fprintf(stderr,
               "sparouter-server: cannot restart with GLIBC_TUNABLES=%s (%s): running with "
               "glibc's malloc defaults\n",
               tuned->c_str(), std::strerror(err));
}

}  // namespace sparouter::server
