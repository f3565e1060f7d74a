#include "runtime/attempt_outcome.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace sparouter::runtime {

Outcome outcome_from_client_error(const http::ClientError& error) noexcept {
  switch (error.code) {
    case http::ClientErrc::kInvalidRequest:
    case http::ClientErrc::kResolve:
    case http::ClientErrc::kConnect:
    case http::ClientErrc::kTls:
    case http::ClientErrc::kTlsVerify:
      return Outcome::kConnectError;
    case http::ClientErrc::kTimeout:
      return Outcome::kTimeout;
    case http::ClientErrc::kCancelled:
      return Outcome::kCancelled;
    case http::ClientErrc::kProtocol:
    case http::ClientErrc::kClosed:
      return Outcome::kHttp5xx;
  }
  return Outcome::kHttp5xx;
}

std::string_view error_kind(const http::ClientError& error) noexcept {
  switch (error.code) {
    case http::ClientErrc::kInvalidRequest:
    case http::ClientErrc::kResolve:
    case http::ClientErrc::kConnect:
      return "connect";
    case http::ClientErrc::kTls:
    case http::ClientErrc::kTlsVerify:
      return "tls";
    case http::ClientErrc::kTimeout:
      return "timeout";
    case http::ClientErrc::kCancelled:
      return "cancelled";
    case http::ClientErrc::kProtocol:
      return "protocol";
    case http::ClientErrc::kClosed:
      return "closed";
  }
  return "protocol";
}

std::string_view error_kind(Outcome outcome) noexcept {
  // The library's names, but "connect" as for the client errors above: one word per cause.
  return outcome == Outcome::kConnectError ? "connect" : outcome_name(outcome);
}

namespace {
// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the only form senders may generate).
std::optional<std::time_t> parse_http_date(std::string_view v) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (v.size() != 29 || v.substr(25) != " GMT") return std::nullopt;
  auto num = [&](size_t at, size_t len, int& out) {
    auto r = std::from_chars(v.data() + at, v.data() + at + len, out);
    return r.ec == std::errc() && r.ptr == v.data() + at + len;
  };
  int day, year, hh, mm, ss;
  if (!num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hh) || !num(20, 2, mm) ||
      !num(23, 2, ss)) {
    return std::nullopt;
  }
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (v.substr(8, 3) == kMonths[i]) month = i;
  }
  if (month < 0) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  return timegm(&tm);
}
}  // namespace

std::optional<int64_t> parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    int64_t seconds = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size()) return std::nullopt;
    constexpr int64_t kMaxSeconds = 24 * 3600;  // a day: anything longer is a broken header
    return std::min(seconds, kMaxSeconds) * 1000;
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const int64_t delta = static_cast<int64_t>(*when) - static_cast<int64_t>(now);
  return delta <= 0 ? 0 : std::min<int64_t>(delta, 24 * 3600) * 1000;
}

std::optional<int64_t> retry_after_ms(const http::Headers& headers, std::time_t now) {
  const std::string* v = http::find_header(headers, "retry-after");
  if (v == nullptr) return std::nullopt;
  return parse_retry_after(*v, now);
}

}  // namespace sparouter::runtime
