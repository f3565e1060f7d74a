#include "crypto/ct_compare.hpp"

#include <cstdint>

namespace sparouter::crypto {

bool constant_time_equal(std::string_view given, std::string_view expected) noexcept {
  // Walk the expected token's length whatever `given` holds, so a short guess costs the same
  // as a long one; the difference of lengths joins the accumulator.
  volatile uint8_t diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    const uint8_t g = i < given.size() ? static_cast<uint8_t>(given[i]) : 0;
    diff = static_cast<uint8_t>(diff | (g ^ static_cast<uint8_t>(expected[i])));
  }
  return diff == 0;
}

}  // namespace sparouter::crypto
