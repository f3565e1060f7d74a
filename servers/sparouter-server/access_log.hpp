// One JSON line per request on stdout: who asked what, where it went, how it ended. Never a
// key, a token, a query string or prompt text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sparouter::server {

struct AccessEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view target;  // the query string is cut off before logging
  int status = 0;
  int64_t latency_us = 0;
  // Set for /v1/chat/completions.
  std::string_view group;
  std::string_view deployment;
  std::string_view provider;
  std::string_view route_source;
  int attempts = 0;
  bool stream = false;
  std::string_view error_code;
};

// The line (with a trailing newline), in RFC 3339 UTC time.
std::string format_access_line(const AccessEntry& entry);
// Writes the line with one write(2), so lines from several threads never interleave.
void write_access_line(const AccessEntry& entry);

}  // namespace sparouter::server
