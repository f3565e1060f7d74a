#include "http/url.hpp"

#include <charconv>

namespace sparouter::http {

std::string Url::origin() const {
  std::string out = tls ? "https://" : "http://";
  const bool v6 = host.find(':') != std::string::npos;
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  if (port != (tls ? 443 : 80)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  if (text.substr(0, 7) == "http://") {
    text.remove_prefix(7);
  } else if (text.substr(0, 8) == "https://") {
    url.tls = true;
    text.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  const size_t path_at = text.find_first_of("/?#");
  std::string_view authority = text.substr(0, path_at);
  std::string_view rest = path_at == std::string_view::npos ? "" : text.substr(path_at);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  std::string_view port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  url.port = url.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return std::nullopt;
    }
    url.port = static_cast<uint16_t>(value);
  }
  if (rest.empty() || rest.front() == '?') url.target.push_back('/');
  url.target.append(rest);
  return url;
}

std::string percent_encode_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : segment) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace sparouter::http
