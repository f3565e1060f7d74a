#include "capi/error_state.hpp"

namespace sparouter::capi {
namespace {

struct LastError {
  std::string message = "no error";
  std::string param;
  sr_error view{SR_OK, "no error", ""};
};

LastError& last() {
  thread_local LastError e;
  return e;
}

}  // namespace

int set_error(int code, const char* message, const char* param) noexcept {
  LastError& e = last();
  try {
    e.message = message;
    e.param = param;
    e.view = {code, e.message.c_str(), e.param.c_str()};
  } catch (...) {  // no memory for the text: keep a static one
    e.view = {code, sr_status_str(code), ""};
  }
  return code;
}

int set_error(const Error& err) noexcept {
  return set_error(static_cast<int>(err.code), err.message.c_str(), err.param.c_str());
}

const sr_error* last_error() noexcept { return &last().view; }

}  // namespace sparouter::capi
