// The nesting guard that keeps hostile JSON away from rapidjson's recursion.
#include "common/json_nesting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparouter {
namespace {

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonNesting, CountsArraysAndObjects) {
  EXPECT_TRUE(json_nesting_within("", 0));
  EXPECT_TRUE(json_nesting_within(R"({"a":[1,{"b":2}]})", 3));
  EXPECT_FALSE(json_nesting_within(R"({"a":[1,{"b":2}]})", 2));
  EXPECT_TRUE(json_nesting_within(nested(kMaxJsonNesting)));
  EXPECT_FALSE(json_nesting_within(nested(kMaxJsonNesting + 1)));
  EXPECT_FALSE(json_nesting_within(std::string(1000000, '[')));  // not closed: still too deep
  EXPECT_TRUE(json_nesting_within("[]]]]][", 1));                // stray closers do not lend depth
}

TEST(JsonNesting, SkipsStrings) {
  EXPECT_TRUE(json_nesting_within(R"(["[[[[", "{{{{"])", 1));
  EXPECT_TRUE(json_nesting_within(R"(["\"[[[[", "\\"])", 1));  // escaped quotes stay inside
  EXPECT_FALSE(json_nesting_within(R"(["\\", [[]]])", 2));     // an escaped backslash ends
}

}  // namespace
}  // namespace sparouter
