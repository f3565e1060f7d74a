#include "select/clock.hpp"

#include <chrono>

namespace sparouter::select {

int64_t SteadyClock::now_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sparouter::select
