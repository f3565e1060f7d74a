// HTTP message types shared by the server and the client: no I/O, no third-party headers.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sparouter::http {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

// Case-insensitive lookup of the first header with this name; nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form, e.g. "/v1/chat/completions?x=1"
  int version_minor = 1;
  Headers headers;
  std::string body;
  bool keep_alive = true;

  const std::string* header(std::string_view name) const noexcept {
    return find_header(headers, name);
  }
  // Clears the fields but keeps their capacity, so a connection reuses its buffers.
  void clear() noexcept;
};

struct Response {
  int status = 200;
  Headers headers;  // Content-Length and Connection are written by the server
  std::string body;
};

// "OK", "Not Found", ...; "Unknown" for codes without a phrase here.
const char* reason_phrase(int status) noexcept;

// Appends `v` in decimal (a Content-Length, a status code) without a temporary string.
inline void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The headers that frame a message on the wire, which the server writes itself.
inline bool is_framing_header(std::string_view name) noexcept {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection");
}

}  // namespace sparouter::http
