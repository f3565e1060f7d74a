#include "config/env_file.hpp"

#include <gtest/gtest.h>

namespace sparouter::config {
namespace {

TEST(ConfigEnvFile, PlainKeysAreWrittenBare) {
  std::string out;
  ASSERT_TRUE(append_env_line(out, "SPAROUTER_KEY_A", "sk-proj_AbC.123:x/y+z=", "p").ok());
  EXPECT_EQ(out, "SPAROUTER_KEY_A=sk-proj_AbC.123:x/y+z=\n");
}

TEST(ConfigEnvFile, OtherValuesAreSingleQuoted) {
  std::string out;
  ASSERT_TRUE(append_env_line(out, "K", "a b$c\"d`e#f\\g", "p").ok());
  ASSERT_TRUE(append_env_line(out, "E", "", "p").ok());
  ASSERT_TRUE(append_env_line(out, "T", "~root", "p").ok());
  EXPECT_EQ(out, "K='a b$c\"d`e#f\\g'\nE=''\nT='~root'\n");
}

TEST(ConfigEnvFile, RefusesWhatNoEnvFileCarries) {
  for (std::string bad :
       {std::string("a\nb"), std::string("a\rb"), std::string("a\0b", 3), std::string("it's")}) {
    std::string out = "keep\n";
    Status s = append_env_line(out, "K", bad, "providers[x].api_key");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().param, "providers[x].api_key");
    EXPECT_EQ(s.error().message.find(bad), std::string::npos) << "the value must not be echoed";
    EXPECT_EQ(out, "keep\n");
  }
}

}  // namespace
}  // namespace sparouter::config
