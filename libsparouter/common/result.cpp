#include "sparouter/result.hpp"

namespace sparouter {

const char* code_name(Code code) noexcept {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalid: return "invalid argument";
    case Code::kNotFound: return "not found";
    case Code::kConflict: return "conflict";
    case Code::kNoMem: return "out of memory";
    case Code::kBufs: return "buffer too small";
    case Code::kVersion: return "unsupported options version";
    case Code::kUnavailable: return "unavailable";
    case Code::kIterOver: return "iteration over";
    case Code::kInternal: return "internal error";
  }
  return "unknown status";
}

}  // namespace sparouter
