#include "http/request_parser.hpp"

#include <llhttp.h>

#include <algorithm>

namespace sparouter::http {

namespace {
enum class Pause : uint8_t { kNone, kHead, kMessage };
constexpr uint64_t kBodyReserveCap = 64 * 1024;
constexpr size_t kHeadersReserve = 16;  // a connection's first request: no vector doublings
}  // namespace

struct RequestParser::Impl {
  llhttp_t parser{};
  ParserLimits limits;
  Request request;
  Headers spare;  // headers of earlier requests, kept to avoid allocating per request
  size_t head_bytes = 0;
  Pause pause = Pause::kNone;
  bool paused = false;
  bool in_message = false;
  bool head_done = false;
  bool in_value = false;  // the last header callback was a value: a field starts a new header
  bool expects_continue = false;
  bool has_content_length = false;
  bool chunked = false;
  uint64_t content_length = 0;
  int error_status = 0;
  const char* error_reason = "";

  static Impl& of(llhttp_t* p) { return *static_cast<Impl*>(p->data); }

  static int on_message_begin(llhttp_t* p) {
    of(p).in_message = true;
    return 0;
  }
  static int on_url(llhttp_t* p, const char* at, size_t n) {
    of(p).request.target.append(at, n);
    return 0;
  }
  static int on_header_field(llhttp_t* p, const char* at, size_t n) {
    Impl& s = of(p);
    if (s.in_value || s.request.headers.empty()) {
      if (s.spare.empty()) {
        s.request.headers.emplace_back();
      } else {  // reuse a header from an earlier request: its strings keep their capacity
        s.request.headers.push_back(std::move(s.spare.back()));
        s.spare.pop_back();
        s.request.headers.back().name.clear();
        s.request.headers.back().value.clear();
      }
      s.in_value = false;
    }
    s.request.headers.back().name.append(at, n);
    return 0;
  }
  static int on_header_value(llhttp_t* p, const char* at, size_t n) {
    Impl& s = of(p);
    s.in_value = true;
    s.request.headers.back().value.append(at, n);
    return 0;
  }
  static int on_headers_complete(llhttp_t* p) {
    Impl& s = of(p);
    s.request.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
    s.request.version_minor = p->http_minor;
    s.request.keep_alive = llhttp_should_keep_alive(p) != 0;
    s.has_content_length = (p->flags & F_CONTENT_LENGTH) != 0;
    s.chunked = (p->flags & F_CHUNKED) != 0;
    s.content_length = s.has_content_length ? p->content_length : 0;
    const std::string* expect = s.request.header("expect");
    s.expects_continue = expect != nullptr && iequals(*expect, "100-continue") &&
                         p->http_major == 1 && p->http_minor >= 1;
    if (s.has_content_length && s.content_length > s.limits.max_body_bytes) {
      s.error_status = 413;
      s.error_reason = "body over the limit (Content-Length)";
      return -1;
    }
    // One allocation for the body, not a string of doublings (bounded: a client that promises
    // 8 MB and sends nothing gets no more than kBodyReserveCap reserved).
    if (s.has_content_length) {
      s.request.body.reserve(std::min<uint64_t>(s.content_length, kBodyReserveCap));
    }
    s.head_done = true;
    s.pause = Pause::kHead;
    return HPE_PAUSED;
  }
  static int on_body(llhttp_t* p, const char* at, size_t n) {
    Impl& s = of(p);
    if (s.request.body.size() + n > s.limits.max_body_bytes) {
      s.error_status = 413;
      s.error_reason = "body over the limit";
      return -1;
    }
    s.request.body.append(at, n);
    return 0;
  }
  static int on_message_complete(llhttp_t* p) {
    of(p).pause = Pause::kMessage;
    return HPE_PAUSED;
  }

  static const llhttp_settings_t& settings() {
    static const llhttp_settings_t kSettings = [] {
      llhttp_settings_t s;
      llhttp_settings_init(&s);
      s.on_message_begin = on_message_begin;
      s.on_url = on_url;
      s.on_header_field = on_header_field;
      s.on_header_value = on_header_value;
      s.on_headers_complete = on_headers_complete;
      s.on_body = on_body;
      s.on_message_complete = on_message_complete;
      return s;
    }();
    return kSettings;
  }

  Step fail(int status, const char* reason) {
    if (error_status == 0) {
      error_status = status;
      error_reason = reason;
    }
    return {Event::kError, 0};
  }
};

RequestParser::RequestParser(ParserLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->request.headers.reserve(kHeadersReserve);
  llhttp_init(&impl_->parser, HTTP_REQUEST, &Impl::settings());
  impl_->parser.data = impl_.get();
}

RequestParser::~RequestParser() = default;

RequestParser::Step RequestParser::feed(std::string_view data) {
  Impl& s = *impl_;
  if (s.error_status != 0) return {Event::kError, 0};
  if (s.paused) {
    llhttp_resume(&s.parser);
    s.paused = false;
  }
  s.pause = Pause::kNone;
  const llhttp_errno_t err = llhttp_execute(&s.parser, data.data(), data.size());
  size_t consumed = data.size();
  if (err == HPE_PAUSED) {
    consumed = static_cast<size_t>(llhttp_get_error_pos(&s.parser) - data.data());
    s.paused = true;
  } else if (err != HPE_OK) {
    if (s.error_status != 0) return {Event::kError, 0};
    if (err == HPE_INVALID_METHOD && !s.head_done) {
      return s.fail(400, "invalid method");  // also TLS bytes on the plain port
    }
    if (err == HPE_INVALID_TRANSFER_ENCODING) return s.fail(501, "unsupported transfer coding");
    return s.fail(400, llhttp_errno_name(err));
  }
  if (!s.head_done || s.pause == Pause::kHead) {
    s.head_bytes += consumed;
    if (s.head_bytes > s.limits.max_head_bytes) return s.fail(431, "request head over the limit");
  }
  switch (s.pause) {
    case Pause::kHead: return {Event::kHead, consumed};
    case Pause::kMessage: return {Event::kMessage, consumed};
    case Pause::kNone: break;
  }
  return {Event::kNeedMore, consumed};
}

RequestParser::Step RequestParser::finish() {
  Impl& s = *impl_;
  if (s.error_status != 0) return {Event::kError, 0};
  if (!s.in_message) return {Event::kNeedMore, 0};
  return s.fail(400, "connection closed mid-request");
}

void RequestParser::next() {
  Impl& s = *impl_;
  for (auto& h : s.request.headers) s.spare.push_back(std::move(h));
  s.request.clear();
  s.head_bytes = 0;
  s.pause = Pause::kNone;
  s.in_message = false;
  s.head_done = false;
  s.in_value = false;
  s.expects_continue = false;
  s.has_content_length = false;
  s.chunked = false;
  s.content_length = 0;
}

Request& RequestParser::request() noexcept { return impl_->request; }
const Request& RequestParser::request() const noexcept { return impl_->request; }
bool RequestParser::expects_continue() const noexcept { return impl_->expects_continue; }
bool RequestParser::has_content_length() const noexcept { return impl_->has_content_length; }
uint64_t RequestParser::content_length() const noexcept { return impl_->content_length; }
bool RequestParser::chunked() const noexcept { return impl_->chunked; }
bool RequestParser::in_message() const noexcept { return impl_->in_message; }
int RequestParser::error_status() const noexcept { return impl_->error_status; }
std::string_view RequestParser::error_reason() const noexcept { return impl_->error_reason; }

}  // namespace sparouter::http
