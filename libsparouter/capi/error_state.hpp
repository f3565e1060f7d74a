// The thread-local last error behind sr_error_last(), and the guard that turns every C++
// failure into a status code before it can cross the C boundary.
#pragma once

#include <new>
#include <string>

#include "sparouter/result.hpp"
#include "sparouter/sparouter.h"

namespace sparouter::capi {

// Records `e` as this thread's last error and returns its code.
int set_error(const Error& e) noexcept;
int set_error(int code, const char* message, const char* param = "") noexcept;

// This thread's last error (never null).
const sr_error* last_error() noexcept;

// Runs f (returning int) and maps anything it throws to a status code.
template <class F>
int guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return set_error(SR_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(SR_EINTERNAL, "internal error");
  }
}

}  // namespace sparouter::capi
