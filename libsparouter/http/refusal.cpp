#include "http/refusal.hpp"

#include <charconv>

namespace sparouter::http {
namespace {

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool owned_by_server(std::string_view name) {  // the framing and the type are written here
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "content-type");
}

}  // namespace

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
    if (owned_by_server(h.name)) continue;
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
