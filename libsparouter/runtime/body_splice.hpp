// The forwarded body is the client's bytes with the "model" string token replaced: no
// re-serialisation on the hot path (DESIGN.md: one parse, no copies). The replacement is a JSON
// string written here; the client's bytes around it go out as they are (http::BodySplice).
#pragma once

#include <string>
#include <string_view>

namespace sparouter::runtime {

// Appends `s` as a JSON string token (quotes included), escaping what JSON requires.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sparouter::runtime
