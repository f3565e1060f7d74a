// Scalars for litellm/config.yaml. LiteLLM reads the file with PyYAML's safe_load (YAML 1.1),
// which turns unquoted yes/no/on/off, null/~, dates, 0x1F, 1:30 and friends into other types.
// So every string is double-quoted, with escapes, and numbers are written in the forms
// PyYAML resolves as int and float.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sparouter::config {

// `s` as a YAML double-quoted scalar: ", \ and control characters escaped, everything outside
// printable ASCII written as \uXXXX or \UXXXXXXXX (PyYAML refuses some code points even
// inside quotes). nullopt when `s` is not valid UTF-8.
std::optional<std::string> yaml_quote(std::string_view s);

bool is_valid_utf8(std::string_view s);

// A finite number as PyYAML reads it back: integral values as ints ("3"), others as floats
// with a '.' and, when needed, a signed exponent ("0.25", "1.5e-07").
std::string yaml_number(double d);

}  // namespace sparouter::config
