// CORS for the split deployment (console on another origin): only the origins in CORS_ORIGINS
// get Access-Control-* headers; with none configured there is no cross-origin access at all.
#pragma once

#include <string>
#include <vector>

#include "http/message.hpp"

namespace sparouter::server {

class Cors {
 public:
  explicit Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const noexcept { return !origins_.empty(); }
  // The request's Origin when it is allowed, else nullptr.
  const std::string* allowed_origin(const http::Request& request) const;
  // Headers for an actual (non-preflight) answer to an allowed origin.
  void add_headers(const http::Request& request, http::Headers& out) const;
  // A preflight: OPTIONS with Access-Control-Request-Method.
  static bool is_preflight(const http::Request& request);
  // The preflight answer's status (204 allowed, 403 not) and headers.
  int preflight(const http::Request& request, http::Headers& out) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace sparouter::server
