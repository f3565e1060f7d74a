// Validation of the fallback graph between groups: cycles are refused when saved (API.md).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sparouter/types.hpp"

namespace sparouter::model {

// The first cycle found, as a path that starts and ends at the same group, e.g.
// {"a", "b", "a"}; a self-reference is {"a", "a"}. nullopt when the graph has no cycle.
// Groups are searched in the order given (map order for the map overload), fallbacks in list
// order, so the answer is deterministic. A fallback naming an unknown group is no edge here
// (reporting unknown names is the caller's job). Iterative: no recursion on hostile input.
std::optional<std::vector<std::string>> find_fallback_cycle(std::span<const Group> groups);
std::optional<std::vector<std::string>> find_fallback_cycle(
    const std::map<std::string, std::vector<std::string>>& fallbacks_by_group);

}  // namespace sparouter::model
