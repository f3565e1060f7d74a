#include "request_id.hpp"

#include <chrono>
#include <cstdint>
#include <random>

namespace sparouter::server {
namespace {

// Ids only need to be unique, not secret: a per-thread splitmix64 seeded once.
uint64_t next_random() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool sane(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string request_id_for(const http::Request& request) {
  const std::string* given = request.header("x-request-id");
  if (given != nullptr && sane(*given)) return *given;
  // "req_" and 11 base-62 digits of a 64-bit random number (62^11 > 2^64): 15 characters, so the
  // id and its copies live inside std::string's own buffer, with no allocation per request.
  static constexpr char kDigits[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id = "req_";
  for (uint64_t r = next_random(), i = 0; i < 11; ++i, r /= 62) id.push_back(kDigits[r % 62]);
  return id;
}

}  // namespace sparouter::server
