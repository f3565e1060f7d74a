#include "admin/reply.hpp"

namespace sparouter::admin {

Reply json_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply no_content() {
  Reply r;
  r.status = 204;
  return r;
}

Reply error_reply(const runtime::ApiError& error) {
  return json_reply(error.status, runtime::error_body(error));
}

Reply error_reply(const Error& error) { return error_reply(runtime::api_error_from(error)); }

Reply invalid_reply(std::string param, std::string message) {
  return error_reply(invalid(std::move(param), std::move(message)));
}

Reply deployments_conflict_reply(const Error& error, const std::vector<const Deployment*>& deps) {
  const runtime::ApiError e = runtime::api_error_from(error);
  std::string body = json_text([&](model::JsonWriter& w) {
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("message"), write_str(w, e.message);
    w.Key("type"), write_str(w, runtime::to_string(e.type));
    w.Key("param"), w.Null();
    w.Key("code"), write_str(w, e.code);
    w.Key("deployments");
    w.StartArray();
    for (const Deployment* d : deps) {
      w.StartObject();
      w.Key("id"), write_str(w, d->id);
      w.Key("group"), write_str(w, d->group);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
  });
  return json_reply(e.status, std::move(body));
}

Reply upstream_reply(std::string message, std::optional<int64_t> upstream_status) {
  // Written here rather than through error_body() for the extra member.
  std::string body = json_text([&](model::JsonWriter& w) {
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("message"), write_str(w, message);
    w.Key("type"), write_str(w, runtime::to_string(runtime::ErrorType::kUpstream));
    w.Key("param"), w.Null();
    w.Key("code"), write_str(w, "upstream_error");
    w.Key("upstream_status");
    if (upstream_status) {
      w.Int64(*upstream_status);
    } else {
      w.Null();
    }
    w.EndObject();
    w.EndObject();
  });
  return json_reply(502, std::move(body));
}

}  // namespace sparouter::admin
