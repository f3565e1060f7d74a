// Lines of the env file that apply writes for LiteLLM's container (docker run --env-file,
// docker compose env_file) and that a shell may source. Values are written bare when every
// byte is in [A-Za-z0-9_.,:/+=@%~-] (all three read that alike), else single-quoted (shell and
// compose read it literally). What none of them can carry safely is refused: a newline, CR,
// NUL or a single quote.
#pragma once

#include <string>
#include <string_view>

#include "sparouter/result.hpp"

namespace sparouter::config {

// Appends "NAME=value\n" to `out`; on refusal `out` is unchanged and the error names `param`
// (the message never holds the value). When `out` must grow, its old buffer is wiped first.
Status append_env_line(std::string& out, std::string_view name, std::string_view value,
                       const std::string& param);

}  // namespace sparouter::config
