#include "store/ids.hpp"

#include <chrono>
#include <ctime>

#include "crypto/random.hpp"

namespace sparouter::store {
namespace {
constexpr size_t kMaxPrefix = 120;  // ids are at most 128 characters; leave room for suffixes
}

std::string slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= kMaxPrefix) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string random_deployment_id(std::string_view group) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(group.substr(0, kMaxPrefix));
  id += '-';
  auto bytes = crypto::random_bytes(3);
  if (!bytes.ok()) {  // no entropy: fall back to the clock, still unique enough with the retry
    bytes = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  for (size_t i = 0; i < 3 && i < bytes->size(); ++i) {
    const auto b = static_cast<unsigned char>((*bytes)[i]);
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

std::string now_rfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sparouter::store
