// The .env file: KEY=value lines read at start-up. Variables already in the process's
// environment win, so a deployment can override the file without editing it.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "sparouter/result.hpp"

namespace sparouter::server {

using EnvMap = std::map<std::string, std::string, std::less<>>;

// Parses .env text: `KEY=value`, optional `export ` prefix, `#` comments, blank lines, values in
// single quotes (literal) or double quotes (\n \" \\ escapes); unquoted values end at ` #`.
// Errors name the line.
Result<EnvMap> parse_dotenv(std::string_view text);

// The settings the server reads: `environ` first, then the .env file at `path` for the names
// the environment lacks. A missing file is fine; an unreadable or malformed one is an error.
Result<EnvMap> load_environment(const std::string& dotenv_path, char** environ_vars);

}  // namespace sparouter::server
