// A guard for rapidjson, whose reader, writer and copies recurse once per level of nesting: a
// body of a million '[' (it fits in the 8 MiB body limit) overflows the stack and kills the
// process. Untrusted JSON is checked with this before rapidjson parses it.
#pragma once

#include <cstddef>
#include <string_view>

namespace sparouter {

// Deeper than any real chat body, tool schema or configuration.
inline constexpr size_t kMaxJsonNesting = 256;

// False when arrays and objects in `json` nest deeper than `max_depth` (strings are skipped;
// the text need not be valid JSON).
bool json_nesting_within(std::string_view json, size_t max_depth = kMaxJsonNesting) noexcept;

}  // namespace sparouter
