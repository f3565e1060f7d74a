// The forwarded body is the client's bytes with the "model" string token replaced: no
// re-serialisation on the hot path (DESIGN.md: one parse, no copies).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sparouter::runtime {

// Appends `s` as a JSON string token (quotes included), escaping what JSON requires.
void append_json_string(std::string& out, std::string_view s);

// `body` with the bytes [offset, offset + length) (the model token, quotes included) replaced by
// the JSON string of `model`. A span outside the body returns the body unchanged.
std::string splice_model(std::string_view body, size_t offset, size_t length,
                         std::string_view model);
// The same, written over `out` (its capacity reused: a recycled request allocates nothing).
void splice_model_into(std::string& out, std::string_view body, size_t offset, size_t length,
                       std::string_view model);

}  // namespace sparouter::runtime
