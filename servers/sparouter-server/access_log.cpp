#include "access_log.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sparouter::server {
namespace {

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

std::string format_access_line(const AccessEntry& e) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const char* key, std::string_view v) {
    w.Key(key);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  std::string_view path = e.target.substr(0, e.target.find('?'));
  w.StartObject();
  str("ts", now_rfc3339());
  str("request_id", e.request_id);
  str("method", e.method);
  str("path", path);
  w.Key("status");
  w.Int(e.status);
  w.Key("latency_ms");
  w.Double(static_cast<double>(e.latency_us) / 1000.0);
  if (!e.group.empty() || e.attempts > 0) {
    str("group", e.group);
    str("deployment", e.deployment);
    str("provider", e.provider);
    str("route_source", e.route_source);
    w.Key("attempts");
    w.Int(e.attempts);
    w.Key("stream");
    w.Bool(e.stream);
  }
  if (!e.error_code.empty()) str("error", e.error_code);
  w.EndObject();
  std::string line(buf.GetString(), buf.GetSize());
  line.push_back('\n');
  return line;
}

void write_access_line(const AccessEntry& entry) {
  const std::string line = format_access_line(entry);
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) return;  // a closed stdout must not take the server down
    off += static_cast<size_t>(n);
  }
}

}  // namespace sparouter::server
