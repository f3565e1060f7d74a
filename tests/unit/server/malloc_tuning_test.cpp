#include "malloc_tuning.hpp"

#include <gtest/gtest.h>

namespace sparouter::server {
namespace {

TEST(MallocTuning, AddsTheTcacheCountToWhatIsSet) {
  EXPECT_EQ(tuned_glibc_tunables(nullptr), "glibc.malloc.tcache_count=256");
  EXPECT_EQ(tuned_glibc_tunables(""), "glibc.malloc.tcache_count=256");
  EXPECT_EQ(tuned_glibc_tunables("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=256");
  // Names that only start alike are other tunables.
  EXPECT_EQ(tuned_glibc_tunables("glibc.malloc.tcache_count_x=1"),
            "glibc.malloc.tcache_count_x=1:glibc.malloc.tcache_count=256");
}

TEST(MallocTuning, KeepsTheCallersTcacheCount) {
  EXPECT_EQ(tuned_glibc_tunables("glibc.malloc.tcache_count=0"), std::nullopt);
  EXPECT_EQ(tuned_glibc_tunables("glibc.malloc.arena_max=2:glibc.malloc.tcache_count=64"),
            std::nullopt);
}

}  // namespace
}  // namespace sparouter::server
