#include "model/fallback_graph.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparouter::model {
namespace {

using Path = std::vector<std::string>;

Group group(std::string name, std::vector<std::string> fallbacks) {
  Group g;
  g.name = std::move(name);
  g.fallbacks = std::move(fallbacks);
  return g;
}

TEST(Select_FallbackGraph, NoCycle) {
  const std::vector<Group> groups = {group("a", {"b", "c"}), group("b", {"c"}), group("c", {}),
                                     group("d", {"a", "c"})};
  EXPECT_FALSE(find_fallback_cycle(groups).has_value());
  EXPECT_FALSE(find_fallback_cycle(std::vector<Group>{}).has_value());
}

TEST(Select_FallbackGraph, SelfReference) {
  const std::vector<Group> groups = {group("a", {"a"})};
  EXPECT_EQ(find_fallback_cycle(groups), (Path{"a", "a"}));
}

TEST(Select_FallbackGraph, TwoGroupCycle) {
  const std::vector<Group> groups = {group("a", {"b"}), group("b", {"a"})};
  EXPECT_EQ(find_fallback_cycle(groups), (Path{"a", "b", "a"}));
}

TEST(Select_FallbackGraph, CycleBehindAPathStartsAtItsEntry) {
  const std::vector<Group> groups = {group("a", {"x", "c"}), group("c", {"d"}), group("d", {"e"}),
                                     group("e", {"c"}), group("x", {})};
  EXPECT_EQ(find_fallback_cycle(groups), (Path{"c", "d", "e", "c"}));
}

TEST(Select_FallbackGraph, DiamondIsNoCycle) {
  // b and c both fall back to d: d is reached twice, which is not a cycle.
  const std::vector<Group> groups = {group("a", {"b", "c"}), group("b", {"d"}), group("c", {"d"}),
                                     group("d", {})};
  EXPECT_FALSE(find_fallback_cycle(groups).has_value());
}

TEST(Select_FallbackGraph, UnknownFallbackIsNoEdge) {
  const std::vector<Group> groups = {group("a", {"ghost"})};
  EXPECT_FALSE(find_fallback_cycle(groups).has_value());
}

TEST(Select_FallbackGraph, MapOverload) {
  const std::map<std::string, std::vector<std::string>> graph = {
      {"a", {"b"}}, {"b", {"c"}}, {"c", {"b"}}};
  EXPECT_EQ(find_fallback_cycle(graph), (Path{"b", "c", "b"}));
}

TEST(Select_FallbackGraph, LongChainDoesNotRecurse) {
  constexpr int kN = 200000;
  std::vector<Group> groups;
  for (int i = 0; i < kN; ++i) {
    groups.push_back(group("g" + std::to_string(i),
                           i + 1 < kN ? std::vector<std::string>{"g" + std::to_string(i + 1)}
                                      : std::vector<std::string>{"g0"}));
  }
  const auto cycle = find_fallback_cycle(groups);
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle->size(), static_cast<size_t>(kN) + 1);
  EXPECT_EQ(cycle->front(), "g0");
  EXPECT_EQ(cycle->back(), "g0");
}

}  // namespace
}  // namespace sparouter::model
