#include "crypto/mask.hpp"

#include <algorithm>

namespace sparouter::crypto {
namespace {
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr size_t kMinShown = 8;  // below this length nothing of the key is shown
constexpr size_t kMaxLead = 3;   // "sk-", enough to tell key families apart
constexpr size_t kMaxTail = 4;
}  // namespace

std::string mask_key(std::string_view key) {
  // Only printable ASCII is cut; anything else would risk splitting a UTF-8 sequence and is
  // not a key format anyone uses.
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  std::string out;
  if (!printable || key.size() < kMinShown) {
    out = kEllipsis;
    return out;
  }
  const size_t budget = key.size() / 3;  // never more than a third of the key
  const size_t tail = std::min(kMaxTail, budget);
  const size_t lead = std::min(kMaxLead, budget - tail);
  out.reserve(lead + kEllipsis.size() + tail);
  out.append(key.substr(0, lead));
  out.append(kEllipsis);
  out.append(key.substr(key.size() - tail));
  return out;
}

}  // namespace sparouter::crypto
