#include "http/sse.hpp"

#include <charconv>

namespace sparouter::http {

void SseSplitter::feed(std::string_view data) {
  if (pos_ > 0) {  // drop the events already handed out before growing the buffer
    buf_.erase(0, pos_);
    scanned_ -= pos_;
    pos_ = 0;
  }
  buf_.append(data);
}

std::optional<std::string_view> SseSplitter::next() {
  // A terminator is two line ends in a row; a line end is \r\n, \n or \r.
  size_t i = std::max(scanned_, pos_);
  const size_t n = buf_.size();
  while (i < n) {
    const char c = buf_[i];
    if (c != '\n' && c != '\r') {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (c == '\r') {
      if (j == n) break;  // \r at the end: it may be the start of \r\n
      if (buf_[j] == '\n') ++j;
    }
    if (j == n) break;
    const char d = buf_[j];
    if (d == '\n') {
      const size_t end = j + 1;
      std::string_view event(buf_.data() + pos_, end - pos_);
      pos_ = scanned_ = end;
      return event;
    }
    if (d == '\r') {
      if (j + 1 == n) break;  // \r\r or \r\r\n: wait for the next byte to tell
      const size_t end = buf_[j + 1] == '\n' ? j + 2 : j + 1;
      std::string_view event(buf_.data() + pos_, end - pos_);
      pos_ = scanned_ = end;
      return event;
    }
    i = j;
  }
  scanned_ = i;
  if (n - pos_ > max_event_bytes_) overflow_ = true;
  return std::nullopt;
}

std::string_view SseSplitter::pending() const noexcept {
  return std::string_view(buf_).substr(pos_);
}

SseEvent parse_sse_event(std::string_view text) {
  SseEvent ev;
  bool first_data = true;
  while (!text.empty()) {
    size_t eol = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, eol);
    if (eol == std::string_view::npos) {
      text = {};
    } else {
      const size_t skip = (text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n') ? 2 : 1;
      text.remove_prefix(eol + skip);
    }
    if (line.empty() || line.front() == ':') continue;
    const size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (!first_data) ev.data += '\n';
      ev.data.append(value);
      first_data = false;
    } else if (field == "event") {
      ev.event = std::string(value);
    } else if (field == "id") {
      ev.id = std::string(value);
    } else if (field == "retry") {
      long v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec == std::errc() && r.ptr == value.data() + value.size()) ev.retry = v;
    }
  }
  return ev;
}

}  // namespace sparouter::http
