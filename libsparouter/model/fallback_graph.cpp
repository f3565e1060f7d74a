#include "model/fallback_graph.hpp"

#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace sparouter::model {
namespace {

struct Node {
  std::string_view name;
  const std::vector<std::string>* fallbacks;
};

// Three-colour depth-first search over group indices; a grey target closes a cycle.
std::optional<std::vector<std::string>> find_cycle(const std::vector<Node>& nodes) {
  std::unordered_map<std::string_view, uint32_t> index_of;
  index_of.reserve(nodes.size());
  for (uint32_t i = 0; i < nodes.size(); ++i) index_of.emplace(nodes[i].name, i);  // first wins

  enum class Colour : uint8_t { kWhite, kGrey, kBlack };
  std::vector<Colour> colour(nodes.size(), Colour::kWhite);
  struct Frame {
    uint32_t node;
    size_t next_edge;
  };
  std::vector<Frame> path;  // the grey nodes, root first

  for (uint32_t root = 0; root < nodes.size(); ++root) {
    if (colour[root] != Colour::kWhite) continue;
    colour[root] = Colour::kGrey;
    path.push_back({root, 0});
    while (!path.empty()) {
      Frame& top = path.back();
      const std::vector<std::string>& edges = *nodes[top.node].fallbacks;
      if (top.next_edge == edges.size()) {
        colour[top.node] = Colour::kBlack;
        path.pop_back();
        continue;
      }
      const auto it = index_of.find(edges[top.next_edge++]);
      if (it == index_of.end()) continue;
      const uint32_t to = it->second;
      if (colour[to] == Colour::kGrey) {
        std::vector<std::string> cycle;
        size_t from = 0;
        while (path[from].node != to) ++from;
        for (size_t i = from; i < path.size(); ++i) cycle.emplace_back(nodes[path[i].node].name);
        cycle.emplace_back(nodes[to].name);
        return cycle;
      }
      if (colour[to] == Colour::kWhite) {
        colour[to] = Colour::kGrey;
        path.push_back({to, 0});  // invalidates `top`; the loop re-reads path.back()
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::string>> find_fallback_cycle(std::span<const Group> groups) {
  std::vector<Node> nodes;
  nodes.reserve(groups.size());
  for (const Group& g : groups) nodes.push_back({g.name, &g.fallbacks});
  return find_cycle(nodes);
}

std::optional<std::vector<std::string>> find_fallback_cycle(
    const std::map<std::string, std::vector<std::string>>& fallbacks_by_group) {
  std::vector<Node> nodes;
  nodes.reserve(fallbacks_by_group.size());
  for (const auto& [name, fallbacks] : fallbacks_by_group) nodes.push_back({name, &fallbacks});
  return find_cycle(nodes);
}

}  // namespace sparouter::model
