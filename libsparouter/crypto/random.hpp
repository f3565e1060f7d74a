// Cryptographic randomness: one CTR-DRBG per process, seeded from the platform's entropy and
// reseeded after a fork, so a child never repeats its parent's nonces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sparouter/result.hpp"

namespace sparouter::crypto {

Status random_fill(uint8_t* out, size_t len);
Result<std::string> random_bytes(size_t len);

}  // namespace sparouter::crypto
