#include "crypto/random.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

namespace sparouter::crypto {
namespace {

TEST(CryptoRandom, BytesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto b = random_bytes(16);
    ASSERT_TRUE(b.ok());
    seen.insert(*b);
  }
  EXPECT_EQ(seen.size(), 100u);
  auto big = random_bytes(5000);  // more than one DRBG request
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->size(), 5000u);
}

TEST(CryptoRandom, ForkedChildDoesNotRepeatTheParent) {
  ASSERT_TRUE(random_bytes(16).ok());  // seed before the fork
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto b = random_bytes(16);
    ssize_t n = b.ok() ? write(fds[1], b->data(), b->size()) : -1;
    _exit(n == 16 ? 0 : 1);
  }
  close(fds[1]);
  std::string child(16, '\0');
  ASSERT_EQ(read(fds[0], child.data(), child.size()), 16);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto parent = random_bytes(16);
  ASSERT_TRUE(parent.ok());
  EXPECT_NE(*parent, child);
}

}  // namespace
}  // namespace sparouter::crypto
