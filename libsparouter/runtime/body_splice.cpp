#include "runtime/body_splice.hpp"

namespace sparouter::runtime {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;  // UTF-8 passes through as it is
        }
    }
  }
  out += '"';
}

std::string splice_model(std::string_view body, size_t offset, size_t length,
                         std::string_view model) {
  std::string out;
  splice_model_into(out, body, offset, length, model);
  return out;
}

void splice_model_into(std::string& out, std::string_view body, size_t offset, size_t length,
                       std::string_view model) {
  if (offset > body.size() || length > body.size() - offset || length == 0) {
    out.assign(body);
    return;
  }
  out.clear();
  out.reserve(body.size() + model.size() + 8);
  out.append(body.substr(0, offset));
  append_json_string(out, model);
  out.append(body.substr(offset + length));
}

}  // namespace sparouter::runtime
