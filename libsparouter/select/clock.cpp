#include "select/clock.hpp"

#include <chrono>

#include "common/coarse_clock.hpp"

namespace sparouter::select {

int64_t SteadyClock::now_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             coarse_steady_now().time_since_epoch())
      .count();
}

}  // namespace sparouter::select
