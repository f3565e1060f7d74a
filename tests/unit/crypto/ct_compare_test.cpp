#include "crypto/ct_compare.hpp"

#include <gtest/gtest.h>

namespace sparouter::crypto {
namespace {

TEST(CryptoConstantTime, Equality) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("token-123", "token-123"));
  EXPECT_FALSE(constant_time_equal("token-124", "token-123"));
  EXPECT_FALSE(constant_time_equal("Token-123", "token-123"));
}

TEST(CryptoConstantTime, LengthsDiffer) {
  EXPECT_FALSE(constant_time_equal("token", "token-123"));
  EXPECT_FALSE(constant_time_equal("token-1234", "token-123"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal("x", ""));
  // A prefix padded with NULs must not pass for the shorter token.
  EXPECT_FALSE(constant_time_equal(std::string_view("abc\0", 4), "abc"));
  EXPECT_FALSE(constant_time_equal("abc", std::string_view("abc\0", 4)));
}

}  // namespace
}  // namespace sparouter::crypto
