#include "config/sha256.hpp"

#include <mbedtls/md.h>

#include <new>

namespace sparouter::config {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[32];
  // SHA-256 is always compiled into mbedTLS; mbedtls_md fails only on a bad md_info.
  if (mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest) != 0) {
    throw std::bad_alloc();  // unreachable in practice; never crosses the C ABI (guarded)
  }
  static const char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 0xf];
  }
  return out;
}

}  // namespace sparouter::config
