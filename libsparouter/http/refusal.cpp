#include "http/refusal.hpp"

namespace sparouter::http {

std::string refusal_response(int status, const RefusalReplyFn& host, const Request& partial) {
  RefusalReply reply;
  if (host) {
    try {
      reply = host(status, partial);
    } catch (...) {
      reply = RefusalReply{};  // the plain answer below
    }
  }
  if (reply.content_type.empty()) {
    reply.content_type = "text/plain";
    reply.body = std::string(reason_phrase(status)) + '\n';
    reply.headers.clear();
  }
  std::string out = "HTTP/1.1 ";
  append_uint(out, static_cast<uint64_t>(status));
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nContent-Type: ";
  out += reply.content_type;
  out += "\r\nContent-Length: ";
  append_uint(out, reply.body.size());
  out += "\r\n";
  for (const auto& h : reply.headers) {
    if (is_framing_header(h.name) || iequals(h.name, "content-type")) continue;  // written here
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "Connection: close\r\n\r\n";
  out += reply.body;
  return out;
}

}  // namespace sparouter::http
