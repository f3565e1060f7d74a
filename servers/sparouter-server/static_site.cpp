#include "static_site.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sparouter::server {
namespace {

struct Ext {
  std::string_view ext;
  std::string_view type;
};
constexpr Ext kTypes[] = {
    {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},           {".svg", "image/svg+xml"},
    {".png", "image/png"},                   {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},                {".woff2", "font/woff2"},
    {".woff", "font/woff"},                  {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},            {".webmanifest", "application/manifest+json"},
    {".wasm", "application/wasm"},
};

bool has_extension(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view last = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  return last.find('.') != std::string_view::npos;
}

// The build's asset folder: nothing at or under it is a client-side route, so a missing path
// there is 404, never index.html (a stale script URL must not come back as HTML).
bool under_assets(std::string_view path) {
  return path == "/assets" || path.rfind("/assets/", 0) == 0;
}

// Only plain relative paths: no "..", no NUL, no percent-escapes, no backslashes.
bool safe(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find("..") != std::string_view::npos) return false;
  for (char c : path) {
    if (c == '\0' || c == '%' || c == '\\') return false;
  }
  return true;
}

struct FileData {
  bool found = false;
  std::string etag;
  std::string body;
};

FileData read_file(const std::string& path) {
  FileData f;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return f;
  std::ifstream in(path, std::ios::binary);
  if (!in) return f;
  std::stringstream ss;
  ss << in.rdbuf();
  f.found = true;
  f.body = ss.str();
  f.etag = fmt::format("W/\"{:x}-{:x}\"", static_cast<unsigned long long>(st.st_size),
                       static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ULL +
                           static_cast<unsigned long long>(st.st_mtim.tv_nsec));
  return f;
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
  for (const auto& t : kTypes) {
    if (file_name.size() >= t.ext.size() &&
        file_name.substr(file_name.size() - t.ext.size()) == t.ext) {
      return t.type;
    }
  }
  return "application/octet-stream";
}

StaticReply StaticSite::get(std::string_view path, const http::Headers& request_headers) const {
  StaticReply r;
  if (!safe(path)) {
    r.status = 404;
    return r;
  }
  std::string rel(path == "/" ? "/index.html" : path);
  bool immutable = under_assets(rel);
  FileData f = read_file(root_ + rel);
  if (!f.found) {
    if (has_extension(path) || under_assets(path)) {
      r.status = 404;
      return r;
    }
    rel = "/index.html";  // a client-side route
    immutable = false;
    f = read_file(root_ + rel);
    if (!f.found) {
      r.status = 404;
      return r;
    }
  }
  r.headers.push_back({"Content-Type", std::string(content_type_for(rel))});
  r.headers.push_back({"Cache-Control", immutable ? "public, max-age=31536000, immutable"
                                                  : "no-cache"});
  r.headers.push_back({"ETag", f.etag});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  if (rel == "/index.html") {
    r.headers.push_back({"X-Frame-Options", "DENY"});
    r.headers.push_back({"Referrer-Policy", "no-referrer"});
  }
  const std::string* inm = http::find_header(request_headers, "If-None-Match");
  if (inm != nullptr && *inm == f.etag) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.body = std::move(f.body);
  return r;
}

}  // namespace sparouter::server
