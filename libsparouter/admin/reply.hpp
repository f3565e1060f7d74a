// What a handler answers: a status, a JSON body and any headers of its own. Admin::handle adds
// Content-Type and the host's extra headers when it sends the reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "model/json_codec.hpp"
#include "runtime/api_error.hpp"
#include "sparouter/result.hpp"

namespace sparouter::admin {

struct Reply {
  int status = 200;
  std::string body;  // JSON; empty for 204
  http::Headers headers;
};

Reply json_reply(int status, std::string body);
Reply no_content();

// Every failure goes out in API.md's error object.
Reply error_reply(const runtime::ApiError& error);
// A library error: kInvalid 400, kNotFound 404, kConflict 409, kUnavailable 503, else 500.
Reply error_reply(const Error& error);
Reply invalid_reply(std::string param, std::string message);
// A 409 whose blockers are deployments: error.deployments lists them all as {"id", "group"}
// (the message names at most 20), for a client to show or remove them.
Reply deployments_conflict_reply(const Error& error, const std::vector<const Deployment*>& deps);
// 502 upstream_error; the provider's HTTP status (when it answered) rides along as
// error.upstream_status.
Reply upstream_reply(std::string message, std::optional<int64_t> upstream_status);

// Builds a JSON text with a rapidjson writer: json_text([&](model::JsonWriter& w) {...}).
template <class F>
std::string json_text(F&& write) {
  rapidjson::StringBuffer buf;
  model::JsonWriter w(buf);
  write(w);
  return std::string(buf.GetString(), buf.GetSize());
}

inline void write_str(model::JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace sparouter::admin
