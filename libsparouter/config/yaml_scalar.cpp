#include "config/yaml_scalar.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace sparouter::config {
namespace {

// Decodes one UTF-8 sequence at s[i]; advances i. Rejects overlongs, surrogates, > U+10FFFF.
std::optional<uint32_t> next_code_point(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2, cp = b0 & 0x1fu, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, cp = b0 & 0x0fu, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + len > s.size()) return std::nullopt;
  for (size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
  i += len;
  return cp;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i)) return false;
  }
  return true;
}

std::optional<std::string> yaml_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto cp = next_code_point(s, i);
    if (!cp) return std::nullopt;
    char buf[12];
    switch (*cp) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (*cp >= 0x20 && *cp < 0x7f) {
      out += static_cast<char>(*cp);
    } else if (*cp <= 0xff) {
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(*cp));
      out += buf;
    } else if (*cp <= 0xffff) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(*cp));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(*cp));
      out += buf;
    }
  }
  out += '"';
  return out;
}

std::string yaml_number(double d) {
  if (d == std::trunc(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
  std::string s(buf, res.ptr);
  size_t e = s.find('e');
  // PyYAML's float needs a '.' in the mantissa; to_chars always signs the exponent.
  if (s.find('.') == std::string::npos) s.insert(e == std::string::npos ? s.size() : e, ".0");
  return s;
}

}  // namespace sparouter::config
