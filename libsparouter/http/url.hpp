// Absolute http(s) URLs as the client needs them: scheme, host, port, origin-form target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sparouter::http {

struct Url {
  bool tls = false;    // https
  std::string host;    // name or address, without brackets
  uint16_t port = 0;   // explicit or the scheme's default
  std::string target;  // "/path?query", "/" when empty

  // "https://host:port": the connection pool's key.
  std::string origin() const;
  // The Host header value: the port only when it is not the default.
  std::string host_header() const;
};

// Parses "http://host[:port][/path][?query]" and "https://..."; IPv6 hosts in brackets.
// nullopt for anything else (userinfo, fragments and other schemes are refused).
std::optional<Url> parse_url(std::string_view text);

// One path segment with every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~)
// percent-encoded: a model or deployment name placed into a URL path.
std::string percent_encode_segment(std::string_view segment);

}  // namespace sparouter::http
