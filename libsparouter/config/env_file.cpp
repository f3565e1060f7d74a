#include "config/env_file.hpp"

#include "crypto/secret_string.hpp"

namespace sparouter::config {
namespace {

bool bare_ok(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_':
    case '.':
    case ',':
    case ':':
    case '/':
    case '+':
    case '=':
    case '@':
    case '%':
    case '~':
    case '-':
      return true;
    default:
      return false;
  }
}

// Grows `s` without leaving a freed copy of its secret bytes behind.
void reserve_wiped(std::string& s, size_t extra) {
  if (s.capacity() >= s.size() + extra) return;
  std::string bigger;
  bigger.reserve(2 * (s.size() + extra));
  bigger.append(s);
  crypto::wipe(s);
  s.swap(bigger);
}

}  // namespace

Status append_env_line(std::string& out, std::string_view name, std::string_view value,
                       const std::string& param) {
  if (value.find_first_of(std::string_view("\n\r\0'", 4)) != std::string_view::npos) {
    return invalid(param, "the value for " + std::string(name) +
                              " holds a newline, CR, NUL or single quote, which an env file "
                              "cannot carry safely");
  }
  bool bare = !value.empty() && value.front() != '~';  // a leading ~ expands in a shell
  for (char c : value) bare = bare && bare_ok(c);
  reserve_wiped(out, name.size() + value.size() + 4);
  out += name;
  out += '=';
  if (bare) {
    out += value;
  } else {
    out += '\'';
    out += value;
    out += '\'';
  }
  out += '\n';
  return {};
}

}  // namespace sparouter::config
