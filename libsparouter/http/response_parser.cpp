#include "http/response_parser.hpp"

#include <llhttp.h>

namespace sparouter::http {

struct ResponseParser::Impl {
  llhttp_t parser{};
  size_t max_head_bytes = 0;
  size_t head_bytes = 0;
  Headers headers;
  std::string body;
  int status = 0;
  bool no_body = false;
  bool started = false;
  bool head_done = false;
  bool message_done = false;
  bool keep_alive = false;
  bool interim = false;
  bool in_value = false;
  bool paused = false;
  bool pause_head = false;
  const char* error = "";

  static Impl& of(llhttp_t* p) { return *static_cast<Impl*>(p->data); }

  static int on_message_begin(llhttp_t* p) {
    Impl& s = of(p);
    s.started = true;
    s.headers.clear();
    s.in_value = false;
    return 0;
  }
  static int on_header_field(llhttp_t* p, const char* at, size_t n) {
    Impl& s = of(p);
    if (s.in_value || s.headers.empty()) {
      s.headers.emplace_back();
      s.in_value = false;
    }
    s.headers.back().name.append(at, n);
    return 0;
  }
  static int on_header_value(llhttp_t* p, const char* at, size_t n) {
    Impl& s = of(p);
    s.in_value = true;
    s.headers.back().value.append(at, n);
    return 0;
  }
  static int on_headers_complete(llhttp_t* p) {
    Impl& s = of(p);
    s.status = p->status_code;
    if (s.status < 200) {  // 100 Continue, 103 Early Hints: wait for the real answer
      s.interim = true;
      return 0;
    }
    s.head_done = true;
    if (s.no_body || s.status == 204 || s.status == 304) return 1;  // no body; completes at once
    s.pause_head = true;
    return HPE_PAUSED;
  }
  static int on_body(llhttp_t* p, const char* at, size_t n) {
    of(p).body.append(at, n);
    return 0;
  }
  static int on_message_complete(llhttp_t* p) {
    Impl& s = of(p);
    if (s.interim) {
      s.interim = false;
      s.headers.clear();
      return 0;
    }
    s.message_done = true;
    s.keep_alive = llhttp_should_keep_alive(p) != 0;
    return HPE_PAUSED;
  }

  static const llhttp_settings_t& settings() {
    static const llhttp_settings_t kSettings = [] {
      llhttp_settings_t s;
      llhttp_settings_init(&s);
      s.on_message_begin = on_message_begin;
      s.on_header_field = on_header_field;
      s.on_header_value = on_header_value;
      s.on_headers_complete = on_headers_complete;
      s.on_body = on_body;
      s.on_message_complete = on_message_complete;
      return s;
    }();
    return kSettings;
  }
};

ResponseParser::ResponseParser(size_t max_head_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->max_head_bytes = max_head_bytes;
  llhttp_init(&impl_->parser, HTTP_RESPONSE, &Impl::settings());
  impl_->parser.data = impl_.get();
}

ResponseParser::~ResponseParser() = default;

void ResponseParser::expect_no_body(bool no_body) noexcept { impl_->no_body = no_body; }

ResponseParser::Step ResponseParser::feed(std::string_view data) {
  Impl& s = *impl_;
  if (*s.error != '\0') return {Event::kError, 0};
  if (s.message_done) return {Event::kMessage, 0};
  if (s.paused) {
    llhttp_resume(&s.parser);
    s.paused = false;
  }
  s.pause_head = false;
  const llhttp_errno_t err = llhttp_execute(&s.parser, data.data(), data.size());
  size_t consumed = data.size();
  if (err == HPE_PAUSED) {
    consumed = static_cast<size_t>(llhttp_get_error_pos(&s.parser) - data.data());
    s.paused = true;
  } else if (err != HPE_OK) {
    s.error = llhttp_errno_name(err);
    return {Event::kError, 0};
  }
  if (!s.head_done || s.pause_head) {
    s.head_bytes += consumed;
    if (s.head_bytes > s.max_head_bytes) {
      s.error = "response head over the limit";
      return {Event::kError, 0};
    }
  }
  if (s.message_done) return {Event::kMessage, consumed};
  if (s.pause_head) return {Event::kHead, consumed};
  return {Event::kNeedMore, consumed};
}

ResponseParser::Step ResponseParser::finish() {
  Impl& s = *impl_;
  if (*s.error != '\0') return {Event::kError, 0};
  if (s.message_done) return {Event::kMessage, 0};
  if (!s.started) {
    s.error = "connection closed before a response";
    return {Event::kError, 0};
  }
  if (s.paused) {
    llhttp_resume(&s.parser);
    s.paused = false;
  }
  const llhttp_errno_t err = llhttp_finish(&s.parser);
  if ((err == HPE_OK || err == HPE_PAUSED) && s.message_done) return {Event::kMessage, 0};
  s.error = "connection closed mid-response";
  return {Event::kError, 0};
}

void ResponseParser::reset() {
  Impl& s = *impl_;
  llhttp_init(&s.parser, HTTP_RESPONSE, &Impl::settings());
  s.parser.data = impl_.get();
  s.head_bytes = 0;
  s.headers.clear();
  s.body.clear();
  s.status = 0;
  s.no_body = false;
  s.started = s.head_done = s.message_done = s.keep_alive = false;
  s.interim = s.in_value = s.paused = s.pause_head = false;
  s.error = "";
}

int ResponseParser::status() const noexcept { return impl_->status; }
const Headers& ResponseParser::headers() const noexcept { return impl_->headers; }
bool ResponseParser::keep_alive() const noexcept { return impl_->keep_alive; }
bool ResponseParser::head_done() const noexcept { return impl_->head_done; }
bool ResponseParser::message_done() const noexcept { return impl_->message_done; }
bool ResponseParser::started() const noexcept { return impl_->started; }
std::string& ResponseParser::body() noexcept { return impl_->body; }
std::string_view ResponseParser::error_reason() const noexcept { return impl_->error; }

}  // namespace sparouter::http
