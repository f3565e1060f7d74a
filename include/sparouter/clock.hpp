// The time source of health and cooldown, injectable so tests run on a fake clock.
#pragma once

#include <cstdint>

namespace sparouter {

// Monotonic milliseconds. Only differences matter; values must stay in [0, 2^44) (any steady
// clock since boot does; health packs window starts into 44 bits).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const noexcept = 0;
};

}  // namespace sparouter
