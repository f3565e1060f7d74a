#include "crypto/base64.hpp"

#include <mbedtls/base64.h>

namespace sparouter::crypto {
namespace {
const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  size_t olen = 0;
  mbedtls_base64_encode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &olen,
                        bytes_of(bytes), bytes.size());
  out.resize(olen);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // mbedTLS skips whitespace and line breaks; a stored value never has them.
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  size_t olen = 0;
  if (mbedtls_base64_decode(reinterpret_cast<unsigned char*>(out.data()), out.size(), &olen,
                            bytes_of(text), text.size()) != 0) {
    return std::nullopt;
  }
  out.resize(olen);
  if (base64_encode(out) != text) return std::nullopt;  // stray bits in the last group
  return out;
}

}  // namespace sparouter::crypto
