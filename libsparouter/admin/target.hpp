// A request target split for routing: the path's segments, percent-decoded one by one (so an
// id may hold an encoded "/"), and the query's parameters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparouter::admin {

struct Target {
  std::vector<std::string> segments;  // "/api/providers/a%2Fb" -> {"api", "providers", "a/b"}
  std::map<std::string, std::string, std::less<>> query;  // last value wins
};

// nullopt when a segment has a bad escape (%zz, a cut-short %4) or decodes to a NUL.
std::optional<Target> parse_target(std::string_view target);

// "%41b" -> "Ab"; `plus_is_space` for query strings. nullopt on a bad escape or a NUL.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// "true" / "1" / "yes" (any case) are true; anything else is false.
bool query_flag(const Target& t, std::string_view name);

}  // namespace sparouter::admin
