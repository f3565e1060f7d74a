// SHA-256 as lowercase hex (mbedTLS's generic md API: the same calls in 2.28 and 3.x).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sparouter/config.hpp"

namespace sparouter::config {

std::string sha256_hex(std::string_view data);

// GeneratedConfig::version: the first 16 hex digits of SHA-256 over every file in order, each
// as "<path>\n<byte length>\n<content>".
std::string files_version(const std::vector<GeneratedFile>& files);

}  // namespace sparouter::config
