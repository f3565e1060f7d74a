// The console host: serves the built web app (WEB_DIR) with SPA fallback, so /routing and other
// client-side routes load index.html. Files are read per request (the build is small and a
// rebuilt console shows up without a restart); hashed assets are cached forever, the rest
// revalidated by ETag.
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sparouter::server {

struct StaticReply {
  int status = 404;
  http::Headers headers;
  std::string body;
};

class StaticSite {
 public:
  explicit StaticSite(std::string root) : root_(std::move(root)) {}

  // Answers GET/HEAD for `path` (no query). 404 for a missing file that has an extension or
  // lies at or under /assets (a mistyped asset must not turn into HTML), index.html for
  // anything else.
  StaticReply get(std::string_view path, const http::Headers& request_headers) const;

  const std::string& root() const noexcept { return root_; }

 private:
  std::string root_;
};

// Content-Type for a file name, by extension.
std::string_view content_type_for(std::string_view file_name);

}  // namespace sparouter::server
