// Status and Result<T>: how the C++ API reports failure without exceptions on the hot path.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sparouter {

// Values equal the C ABI's sr_status codes (sparouter.h); never renumber.
enum class Code : int {
  kOk = 0,
  kInvalid = -1,      // bad input; Error::param names the field
  kNotFound = -2,
  kConflict = -3,
  kNoMem = -4,
  kBufs = -5,
  kVersion = -6,
  kUnavailable = -7,  // nothing could serve (e.g. no configuration applied yet)
  kIterOver = -8,
  kInternal = -9,
};

const char* code_name(Code code) noexcept;

struct Error {
  Code code = Code::kInternal;
  std::string message;
  std::string param;  // JSON path of the offending field, "" when none (API.md's "param")
};

inline Error invalid(std::string param, std::string message) {
  return Error{Code::kInvalid, std::move(message), std::move(param)};
}

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit on purpose

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const noexcept { return error_; }

 private:
  Error error_{Code::kOk, {}, {}};
  bool ok_ = true;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  Result(Status status) : v_(status.error()) { assert(!status.ok()); }  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace sparouter
