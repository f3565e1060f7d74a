#include "support/fake_upstream.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "http/request_parser.hpp"

namespace sparouter::testing {

namespace {
using asio::ip::tcp;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
inline auto ec_token(std::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

enum class Flavor { kOpenai, kAzure, kAnthropic };

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(b.GetString(), b.GetSize());
}

std::string path_of(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

asio::awaitable<bool> write(tcp::socket& s, std::string_view data) {
  std::error_code ec;
  co_await asio::async_write(s, asio::buffer(data.data(), data.size()), ec_token(ec));
  co_return !ec;
}

asio::awaitable<void> sleep_ms(int ms) {
  if (ms <= 0) co_return;
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(ms));
  std::error_code ec;
  co_await t.async_wait(ec_token(ec));
}

std::string head(int status, std::string_view type, const http::Headers& extra, bool chunked,
                 size_t length) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + http::reason_phrase(status) +
                  "\r\nContent-Type: " + std::string(type) + "\r\n";
  for (const auto& e : extra) h += e.name + ": " + e.value + "\r\n";
  h += chunked ? "Transfer-Encoding: chunked\r\n"
               : "Content-Length: " + std::to_string(length) + "\r\n";
  h += "\r\n";
  return h;
}

// Closes the connection with an RST, answering nothing more.
void reset(tcp::socket& s) {
  std::error_code ec;
  s.set_option(asio::socket_base::linger(true, 0), ec);
  s.close(ec);
}

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

std::string error_json(int status, std::string_view message) {
  const char* type = status == 401   ? "authentication_error"
                     : status == 429 ? "rate_limit_error"
                     : status >= 500 ? "server_error"
                                     : "invalid_request_error";
  return R"({"error":{"message":)" + json_string(message) + R"(,"type":")" + type +
         R"(","param":null,"code":"fake_fault"}})";
}

// google.rpc status names, as Gemini's error bodies carry them.
const char* gemini_status_name(int status) {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

// Gemini's error body: {"error":{"code","message","status"[,"details"]}}.
std::string gemini_error_json(int status, std::string_view message, std::string_view details = {}) {
  std::string body = R"({"error":{"code":)" + std::to_string(status) + R"(,"message":)" +
                     json_string(message) + R"(,"status":")" + gemini_status_name(status) + '"';
  if (!details.empty()) body += R"(,"details":)" + std::string(details);
  return body + "}}";
}

std::string stats_to_json(const FakeStats& st);
std::string recorded_to_json(const std::optional<RecordedRequest>& r);

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const std::string hex(s.substr(i + 1, 2));
      out += static_cast<char>(std::strtol(hex.c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> content_pieces(const std::string& name, const std::string& model) {
  return {"Hello", " from", " " + name, " (model", " " + model + ")"};
}

// A Gemini route: ".../models/{model}:generateContent" or ":streamGenerateContent", under "",
// "/v1", "/v1beta" or "/v1alpha" (the versions Google serves). `method` is what follows ':'.
struct GeminiRoute {
  std::string model;
  std::string method;
};
std::optional<GeminiRoute> gemini_route(std::string_view path) {
  for (std::string_view prefix :
       {"/models/", "/v1/models/", "/v1beta/models/", "/v1alpha/models/"}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = path.substr(prefix.size());
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    return GeminiRoute{percent_decode(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
  }
  return std::nullopt;
}

// The value of `name` in a target's query ("" when absent).
std::string query_param(std::string_view target, std::string_view name) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

// What the real API refuses with 400 INVALID_ARGUMENT in a GenerateContentRequest: a field it
// does not know (its JSON parsing is strict), no contents, a content with a role other than
// user/model or without parts, a part with no data or with an empty text. "" when it is fine.
std::string gemini_invalid(const rapidjson::Document& d) {
  static constexpr std::string_view kFields[] = {"contents",          "tools",
                                                 "toolConfig",        "tool_config",
                                                 "safetySettings",    "safety_settings",
                                                 "systemInstruction", "system_instruction",
                                                 "generationConfig",  "generation_config",
                                                 "cachedContent",     "cached_content"};
  for (const auto& m : d.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    bool known = false;
    for (std::string_view f : kFields) known = known || f == name;
    if (!known) {
      return "Invalid JSON payload received. Unknown name \"" + std::string(name) +
             "\": Cannot find field.";
    }
  }
  auto contents = d.FindMember("contents");
  if (contents == d.MemberEnd() || !contents->value.IsArray() || contents->value.Empty()) {
    return "* GenerateContentRequest.contents: contents is not specified";
  }
  static constexpr std::string_view kData[] = {"text",
                                               "inlineData",
                                               "inline_data",
                                               "functionCall",
                                               "function_call",
                                               "functionResponse",
                                               "function_response",
                                               "fileData",
                                               "file_data",
                                               "executableCode",
                                               "executable_code",
                                               "codeExecutionResult",
                                               "code_execution_result"};
  auto check_parts = [](const rapidjson::Value& c, const std::string& where) -> std::string {
    auto parts = c.FindMember("parts");
    if (parts == c.MemberEnd() || !parts->value.IsArray() || parts->value.Empty()) {
      return "* GenerateContentRequest." + where + ".parts: contents.parts must not be empty.";
    }
    for (const auto& p : parts->value.GetArray()) {
      if (!p.IsObject()) return "* GenerateContentRequest." + where + ".parts: not an object";
      int data = 0;
      for (const auto& m : p.GetObject()) {
        const std::string_view name(m.name.GetString(), m.name.GetStringLength());
        for (std::string_view f : kData) data += f == name ? 1 : 0;
        if (name == "text" && (!m.value.IsString() || m.value.GetStringLength() == 0)) {
          return std::string(
              "Unable to submit request because it has an empty text parameter. "
              "Add a value to the parameter and try again.");
        }
      }
      if (data != 1) {
        return "* GenerateContentRequest." + where +
               ".parts[]: a part needs exactly one data field";
      }
    }
    return {};
  };
  size_t i = 0;
  for (const auto& c : contents->value.GetArray()) {
    const std::string where = "contents[" + std::to_string(i++) + "]";
    if (!c.IsObject()) return "* GenerateContentRequest." + where + ": not an object";
    if (auto role = c.FindMember("role"); role != c.MemberEnd()) {
      const std::string_view r =
          role->value.IsString() ? std::string_view(role->value.GetString()) : "";
      if (r != "user" && r != "model") {
        return "Please use a valid role: user, model.";
      }
    }
    if (std::string e = check_parts(c, where); !e.empty()) return e;
  }
  for (const char* name : {"systemInstruction", "system_instruction"}) {
    auto sys = d.FindMember(name);
    if (sys == d.MemberEnd()) continue;
    if (!sys->value.IsObject()) return "* GenerateContentRequest.system_instruction: not an object";
    if (std::string e = check_parts(sys->value, "system_instruction"); !e.empty()) return e;
  }
  return {};
}
}  // namespace

struct FakeUpstream::Impl {
  FakeUpstreamOptions opts;
  mutable std::mutex mu;
  std::optional<Fault> fault;
  FakeStats stats;
  std::optional<RecordedRequest> last;
  std::thread thread;
  std::atomic<bool> running{false};
  asio::io_context io{1};  // last: destroyed first, with the sessions' frames
  std::optional<tcp::acceptor> acceptor;

  std::optional<Fault> take_fault() {
    std::lock_guard lock(mu);
    if (!fault || fault->times <= 0) return std::nullopt;
    Fault f = *fault;
    if (--fault->times <= 0) fault.reset();
    return f;
  }

  // The fault armed for this request, after its delay. A reset fault resets the connection
  // here and sets `was_reset`: the caller then ends the session.
  asio::awaitable<std::optional<Fault>> delayed_fault(tcp::socket& s, bool& was_reset) {
    std::optional<Fault> f = take_fault();
    if (f) co_await sleep_ms(f->delay_ms);
    was_reset = f && f->reset;
    if (was_reset) reset(s);
    co_return f;
  }

  // The headers of a fault's error answer: the fake's tag and the Retry-After it was asked for.
  http::Headers fault_headers(const Fault& f) const {
    http::Headers h{{"x-fake-upstream", opts.name}};
    if (!f.retry_after.empty()) {
      h.push_back({"Retry-After", f.retry_after});
    } else if (f.retry_after_s) {
      h.push_back({"Retry-After", std::to_string(*f.retry_after_s)});
    }
    return h;
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket sock);
  asio::awaitable<bool> handle(tcp::socket& s, http::Request& req);
  asio::awaitable<bool> chat(tcp::socket& s, http::Request& req, Flavor flavor, std::string model);
  asio::awaitable<bool> gemini(tcp::socket& s, http::Request& req, const GeminiRoute& route);
  // A streamed answer: `head_bytes`, a stall, then the events as chunks (chunk_delay_ms apart),
  // with a reset instead of event `reset_after` when that is >= 0; counted as completed or aborted.
  asio::awaitable<bool> stream_events(tcp::socket& s, const std::string& head_bytes,
                                      const std::vector<std::string>& events, int stall,
                                      int reset_after);
  asio::awaitable<bool> send(tcp::socket& s, int status, std::string_view body,
                             const http::Headers& extra = {},
                             std::string_view type = "application/json") {
    const std::string h = head(status, type, extra, false, body.size());
    std::string all = h;
    all += body;
    co_return co_await write(s, all);
  }
  bool authorized(const http::Request& req, Flavor flavor) const {
    if (opts.api_key.empty()) return true;
    if (flavor == Flavor::kAzure) {
      const std::string* k = req.header("api-key");
      return k && *k == opts.api_key;
    }
    if (flavor == Flavor::kAnthropic) {
      const std::string* k = req.header("x-api-key");
      return k && *k == opts.api_key;
    }
    const std::string* a = req.header("authorization");
    return a && *a == "Bearer " + opts.api_key;
  }
};

asio::awaitable<void> FakeUpstream::Impl::accept_loop() {
  for (;;) {
    std::error_code ec;
    tcp::socket sock = co_await acceptor->async_accept(ec_token(ec));
    if (ec) co_return;
    sock.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io, session(std::move(sock)), asio::detached);
  }
}

asio::awaitable<void> FakeUpstream::Impl::session(tcp::socket sock) {
  http::ParserLimits limits;
  limits.max_body_bytes = 64u << 20;
  http::RequestParser parser(limits);
  std::string pending;
  char buf[16384];
  bool need_feed = false;
  for (;;) {
    bool got = false;
    while (!got) {
      if (need_feed) {
        need_feed = false;
        const auto step = parser.feed(pending);
        pending.erase(0, step.consumed);
        switch (step.event) {
          case http::RequestParser::Event::kHead:
            if (parser.expects_continue() &&
                !co_await write(sock, "HTTP/1.1 100 Continue\r\n\r\n")) {
              co_return;
            }
            need_feed = true;
            continue;
          case http::RequestParser::Event::kMessage:
            got = true;
            continue;
          case http::RequestParser::Event::kError: {
            const std::string body = error_json(400, "bad request");
            co_await send(sock, parser.error_status(), body);
            co_return;
          }
          case http::RequestParser::Event::kNeedMore:
            break;
        }
      }
      std::error_code ec;
      const size_t n = co_await sock.async_read_some(asio::buffer(buf), ec_token(ec));
      if (ec) co_return;
      pending.append(buf, n);
      need_feed = true;
    }
    http::Request& req = parser.request();
    const bool keep = co_await handle(sock, req);
    if (!keep || !req.keep_alive || !sock.is_open()) {
      std::error_code ec;
      sock.shutdown(tcp::socket::shutdown_both, ec);
      co_return;
    }
    parser.next();
    need_feed = !pending.empty();
  }
}

asio::awaitable<bool> FakeUpstream::Impl::handle(tcp::socket& s, http::Request& req) {
  const std::string path = path_of(req.target);
  if (req.method == "GET" && (path == "/v1/models" || path == "/models")) {
    if (!authorized(req, Flavor::kOpenai)) {
      co_return co_await send(s, 401, error_json(401, "invalid api key"));
    }
    std::string body = R"({"object":"list","data":[)";
    for (size_t i = 0; i < opts.models.size(); ++i) {
      if (i > 0) body += ',';
      body += R"({"id":)" + json_string(opts.models[i]) +
              R"(,"object":"model","created":0,"owned_by":"fake"})";
    }
    body += "]}";
    co_return co_await send(s, 200, body);
  }
  if (path == "/_fake/faults") {
    if (req.method == "DELETE") {
      std::lock_guard lock(mu);
      fault.reset();
    } else if (req.method == "POST") {
      auto f = parse_fault(req.body);
      if (!f) co_return co_await send(s, 400, error_json(400, "fault must be a JSON object"));
      std::lock_guard lock(mu);
      fault = *f;
    }
    co_return co_await send(s, 200, R"({"ok":true})");
  }
  if (req.method == "GET" && path == "/_fake/last_request") {
    std::optional<RecordedRequest> copy;
    {
      std::lock_guard lock(mu);
      copy = last;
    }
    co_return co_await send(s, 200, recorded_to_json(copy));
  }
  if (req.method == "GET" && path == "/_fake/stats") {
    FakeStats copy;
    {
      std::lock_guard lock(mu);
      copy = stats;
    }
    const std::string body = stats_to_json(copy);
    co_return co_await send(s, 200, body);
  }
  if (req.method == "POST") {
    Flavor flavor = Flavor::kOpenai;
    std::string deployment;
    constexpr std::string_view kAzure = "/openai/deployments/";
    if (path == "/v1/chat/completions" || path == "/chat/completions") {
      flavor = Flavor::kOpenai;
    } else if (path == "/v1/messages" || path == "/messages") {
      flavor = Flavor::kAnthropic;
    } else if (auto route = gemini_route(path)) {
      co_return co_await gemini(s, req, *route);
    } else if (path.rfind(kAzure, 0) == 0 && path.size() > kAzure.size() &&
               path.substr(path.size() - 17) == "/chat/completions") {
      flavor = Flavor::kAzure;
      deployment = percent_decode(path.substr(kAzure.size(), path.size() - kAzure.size() - 17));
    } else {
      co_return co_await send(s, 404, error_json(404, "no such path: " + path));
    }
    co_return co_await chat(s, req, flavor, deployment);
  }
  co_return co_await send(s, 404, error_json(404, "no such path: " + path));
}

asio::awaitable<bool> FakeUpstream::Impl::chat(tcp::socket& s, http::Request& req, Flavor flavor,
                                               std::string model) {
  rapidjson::Document d;
  d.Parse(req.body.data(), req.body.size());
  bool stream = false;
  if (!d.HasParseError() && d.IsObject()) {
    auto m = d.FindMember("model");
    if (m != d.MemberEnd() && m->value.IsString() && (model.empty() || flavor != Flavor::kAzure)) {
      model.assign(m->value.GetString(), m->value.GetStringLength());
    }
    auto st = d.FindMember("stream");
    stream = st != d.MemberEnd() && st->value.IsBool() && st->value.GetBool();
  }
  {
    std::lock_guard lock(mu);
    ++stats.chat_requests;
    ++stats.models_seen[model];
    stats.last_authorization_present = req.header("authorization") != nullptr ||
                                       req.header("api-key") != nullptr ||
                                       req.header("x-api-key") != nullptr;
    last = RecordedRequest{req.method, req.target, req.headers, req.body};
  }
  if (d.HasParseError() || !d.IsObject()) {
    co_return co_await send(s, 400, error_json(400, "the body is not JSON"));
  }
  if (!authorized(req, flavor)) co_return co_await send(s, 401, error_json(401, "invalid api key"));

  bool was_reset = false;
  const std::optional<Fault> f = co_await delayed_fault(s, was_reset);
  if (was_reset) co_return false;
  const http::Headers tag{{"x-fake-upstream", opts.name}};
  if (f && f->status != 0) {
    if (!f->content.empty()) {  // a raw error page, as a proxy in front of a provider sends
      co_return co_await send(s, f->status, f->content, fault_headers(*f), "text/html");
    }
    const std::string body = error_json(f->status, "fake fault " + std::to_string(f->status));
    co_return co_await send(s, f->status, body, fault_headers(*f));
  }
  const int stall = f ? f->stall_ms : 0;
  const int reset_after = f ? f->reset_after_chunks : -1;
  const std::string text =
      f && !f->content.empty() ? f->content : "Hello from " + opts.name + " (model " + model + ")";

  if (!stream) {
    std::string body;
    if (flavor == Flavor::kAnthropic) {
      body = R"({"id":"msg_fake","type":"message","role":"assistant","model":)" +
             json_string(model) + R"(,"content":[{"type":"text","text":)" + json_string(text) +
             R"(}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":5}})";
    } else {
      body =
          R"({"id":"chatcmpl-fake","object":"chat.completion","created":0,"model":)" +
          json_string(model) +
          R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)" + json_string(text) +
          R"(},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}})";
    }
    const std::string h = head(200, "application/json", tag, false, body.size());
    if (!co_await write(s, h)) co_return false;
    co_await sleep_ms(stall);
    co_return co_await write(s, body);
  }

  std::vector<std::string> events;
  const auto pieces = content_pieces(opts.name, model);
  if (flavor == Flavor::kAnthropic) {
    events.push_back(
        "event: message_start\ndata: "
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake\",\"model\":" +
        json_string(model) + ",\"usage\":{\"input_tokens\":3}}}\n\n");
    events.push_back(
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (const auto& p : pieces) {
      events.push_back(
          "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          "\"delta\":{\"type\":\"text_delta\",\"text\":" +
          json_string(p) + "}}\n\n");
    }
    events.push_back(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    events.push_back(
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        "\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n");
    events.push_back("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  } else {
    const std::string prefix =
        R"(data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":)" +
        json_string(model) + R"(,"choices":[{"index":0,"delta":)";
    events.push_back(prefix + R"({"role":"assistant","content":""},"finish_reason":null}]})" +
                     "\n\n");
    for (const auto& p : pieces) {
      events.push_back(prefix + R"({"content":)" + json_string(p) + R"(},"finish_reason":null}]})" +
                       "\n\n");
    }
    events.push_back(prefix + R"({},"finish_reason":"stop"}]})" + "\n\n");
    events.push_back("data: [DONE]\n\n");
  }
  co_return co_await stream_events(s, head(200, "text/event-stream", tag, true, 0), events, stall,
                                   reset_after);
}

asio::awaitable<bool> FakeUpstream::Impl::stream_events(tcp::socket& s,
                                                        const std::string& head_bytes,
                                                        const std::vector<std::string>& events,
                                                        int stall, int reset_after) {
  if (!co_await write(s, head_bytes)) co_return false;
  co_await sleep_ms(stall);
  bool ok = true;
  for (size_t i = 0; i < events.size() && ok; ++i) {
    if (reset_after >= 0 && static_cast<int>(i) == reset_after) {
      reset(s);
      co_return false;
    }
    if (i > 0) co_await sleep_ms(opts.chunk_delay_ms);
    const std::string c = chunk(events[i]);
    ok = co_await write(s, c);
  }
  if (ok) ok = co_await write(s, "0\r\n\r\n");
  {
    std::lock_guard lock(mu);
    ++(ok ? stats.streams_completed : stats.streams_aborted);
  }
  co_return ok;
}

// Gemini's generateContent and streamGenerateContent as the real API answers them: the key in
// x-goog-api-key (or ?key=), checked before the body; a strict GenerateContentRequest; errors in
// Gemini's shape; a stream as SSE events (alt=sse) or else one JSON array sent piece by piece.
// The faults apply as on the other routes.
asio::awaitable<bool> FakeUpstream::Impl::gemini(tcp::socket& s, http::Request& req,
                                                 const GeminiRoute& route) {
  constexpr std::string_view kJson = "application/json; charset=UTF-8";
  const bool stream = route.method == "streamGenerateContent";
  if (!stream && route.method != "generateContent") {
    const std::string body = gemini_error_json(404, "Method not found: " + route.method);
    co_return co_await send(s, 404, body, {}, kJson);
  }
  const std::string* header_key = req.header("x-goog-api-key");
  const std::string key = header_key ? *header_key : query_param(req.target, "key");
  {
    std::lock_guard lock(mu);
    ++stats.chat_requests;
    ++stats.models_seen[route.model];
    stats.last_authorization_present = !key.empty() || req.header("authorization") != nullptr;
    last = RecordedRequest{req.method, req.target, req.headers, req.body};
  }
  if (req.header("authorization") != nullptr) {  // taken for an OAuth token, which a key is not
    const std::string body = gemini_error_json(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential.");
    co_return co_await send(s, 401, body, {}, kJson);
  }
  if (key.empty()) {
    const std::string body = gemini_error_json(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.");
    co_return co_await send(s, 403, body, {}, kJson);
  }
  if (!opts.api_key.empty() && key != opts.api_key) {
    const std::string body = gemini_error_json(
        400, "API key not valid. Please pass a valid API key.",
        R"([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID",)"
        R"("domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}])");
    co_return co_await send(s, 400, body, {}, kJson);
  }
  rapidjson::Document d;
  d.Parse(req.body.data(), req.body.size());
  if (d.HasParseError() || !d.IsObject()) {
    const std::string body = gemini_error_json(400, "Invalid JSON payload received.");
    co_return co_await send(s, 400, body, {}, kJson);
  }
  if (const std::string invalid = gemini_invalid(d); !invalid.empty()) {
    co_return co_await send(s, 400, gemini_error_json(400, invalid), {}, kJson);
  }

  bool was_reset = false;
  const std::optional<Fault> f = co_await delayed_fault(s, was_reset);
  if (was_reset) co_return false;
  const http::Headers tag{{"x-fake-upstream", opts.name}};
  if (f && f->status != 0) {
    std::string details;
    if (f->retry_after.empty() && f->retry_after_s) {
      // Gemini itself says it in the body, as google.rpc.RetryInfo.
      details = R"([{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":")" +
                std::to_string(*f->retry_after_s) + R"(s"}])";
    }
    const std::string body =
        gemini_error_json(f->status, "fake fault " + std::to_string(f->status), details);
    co_return co_await send(s, f->status, body, fault_headers(*f), kJson);
  }
  const int stall = f ? f->stall_ms : 0;
  const int reset_after = f ? f->reset_after_chunks : -1;
  const std::string response_id = json_string("fake-" + opts.name);
  const std::string tail =
      R"(,"modelVersion":)" + json_string(route.model) + R"(,"responseId":)" + response_id + "}";
  auto candidate = [](const std::vector<std::string>& texts, bool last) {
    std::string c = R"({"candidates":[{"content":{"parts":[)";
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i > 0) c += ',';
      c += R"({"text":)" + json_string(texts[i]) + "}";
    }
    c += R"(],"role":"model"})";
    if (last) c += R"(,"finishReason":"STOP")";
    c += R"(,"index":0}])";
    return c;
  };
  constexpr std::string_view kUsage =
      R"(,"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":5,"totalTokenCount":8,)"
      R"("promptTokensDetails":[{"modality":"TEXT","tokenCount":3}]})";

  if (!stream) {
    // Two text parts, as Gemini may split one answer; a fault's content comes as one.
    const std::vector<std::string> texts =
        f && !f->content.empty()
            ? std::vector<std::string>{f->content}
            : std::vector<std::string>{"Hello from " + opts.name, " (model " + route.model + ")"};
    const std::string body = candidate(texts, true) + std::string(kUsage) + tail;
    const std::string h = head(200, kJson, tag, false, body.size());
    if (!co_await write(s, h)) co_return false;
    co_await sleep_ms(stall);
    co_return co_await write(s, body);
  }

  // Every event is a whole GenerateContentResponse with the next piece; the last one also has
  // the finishReason and the full usage (the others only count the prompt).
  const auto pieces = content_pieces(opts.name, route.model);
  std::vector<std::string> responses;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool last_piece = i + 1 == pieces.size();
    responses.push_back(candidate({pieces[i]}, last_piece) +
                        (last_piece
                             ? std::string(kUsage)
                             : R"(,"usageMetadata":{"promptTokenCount":3,"totalTokenCount":3})") +
                        tail);
  }
  const bool sse = query_param(req.target, "alt") == "sse";
  std::vector<std::string> events;
  for (size_t i = 0; i < responses.size(); ++i) {
    if (sse) {
      events.push_back("data: " + responses[i] + "\r\n\r\n");
    } else {  // without alt=sse: one JSON array, written element by element
      events.push_back((i == 0 ? "[" : ",\r\n") + responses[i] +
                       (i + 1 == responses.size() ? "]" : ""));
    }
  }
  co_return co_await stream_events(s, head(200, sse ? "text/event-stream" : kJson, tag, true, 0),
                                   events, stall, reset_after);
}

FakeUpstream::FakeUpstream(FakeUpstreamOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
}

FakeUpstream::~FakeUpstream() { stop(); }

bool FakeUpstream::start(std::string* error) {
  Impl& im = *impl_;
  std::error_code ec;
  const auto address = asio::ip::make_address(im.opts.host, ec);
  if (ec) {
    if (error) *error = "bad host: " + ec.message();
    return false;
  }
  im.acceptor.emplace(im.io);
  const tcp::endpoint ep(address, im.opts.port);
  im.acceptor->open(ep.protocol(), ec);
  if (!ec) im.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor->bind(ep, ec);
  if (!ec) im.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (error) *error = ec.message();
    return false;
  }
  port_ = im.acceptor->local_endpoint().port();
  asio::co_spawn(im.io, im.accept_loop(), asio::detached);
  im.running = true;
  im.thread = std::thread([&im] { im.io.run(); });
  return true;
}

void FakeUpstream::stop() {
  if (!impl_->running.exchange(false)) return;
  impl_->io.stop();
  impl_->thread.join();
}

std::string FakeUpstream::origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeUpstream::set_fault(const Fault& fault) {
  std::lock_guard lock(impl_->mu);
  impl_->fault = fault;
}

void FakeUpstream::clear_faults() {
  std::lock_guard lock(impl_->mu);
  impl_->fault.reset();
}

FakeStats FakeUpstream::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

std::string FakeUpstream::stats_json() const { return stats_to_json(stats()); }

namespace {
std::string stats_to_json(const FakeStats& st) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("chat_requests");
  w.Int64(st.chat_requests);
  w.Key("models_seen");
  w.StartObject();
  for (const auto& [model, n] : st.models_seen) {
    w.Key(model.data(), static_cast<rapidjson::SizeType>(model.size()));
    w.Int64(n);
  }
  w.EndObject();
  w.Key("last_authorization_present");
  w.Bool(st.last_authorization_present);
  w.Key("streams_completed");
  w.Int64(st.streams_completed);
  w.Key("streams_aborted");
  w.Int64(st.streams_aborted);
  w.EndObject();
  return std::string(b.GetString(), b.GetSize());
}

// The last chat request for GET /_fake/last_request: null before any, else
// {"method","target","headers":[[name, value], ...],"body"} (tests only: it holds the key).
std::string recorded_to_json(const std::optional<RecordedRequest>& r) {
  if (!r) return "null";
  rapidjson::StringBuffer b;
  Writer w(b);
  auto str = [&w](std::string_view v) {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  w.Key("method");
  str(r->method);
  w.Key("target");
  str(r->target);
  w.Key("headers");
  w.StartArray();
  for (const auto& h : r->headers) {
    w.StartArray();
    str(h.name);
    str(h.value);
    w.EndArray();
  }
  w.EndArray();
  w.Key("body");
  str(r->body);
  w.EndObject();
  return std::string(b.GetString(), b.GetSize());
}
}  // namespace

std::optional<RecordedRequest> FakeUpstream::last_request() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last;
}

std::optional<Fault> parse_fault(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  Fault f;
  auto int_of = [&d](const char* name, int& out) {
    auto it = d.FindMember(name);
    if (it != d.MemberEnd() && it->value.IsInt()) out = it->value.GetInt();
  };
  int_of("status", f.status);
  int_of("times", f.times);
  int_of("delay_ms", f.delay_ms);
  int_of("stall_ms", f.stall_ms);
  int_of("reset_after_chunks", f.reset_after_chunks);
  if (auto it = d.FindMember("reset"); it != d.MemberEnd() && it->value.IsBool()) {
    f.reset = it->value.GetBool();
  }
  if (auto it = d.FindMember("retry_after_s"); it != d.MemberEnd() && it->value.IsInt()) {
    f.retry_after_s = it->value.GetInt();
  }
  if (auto it = d.FindMember("retry_after"); it != d.MemberEnd() && it->value.IsString()) {
    f.retry_after = it->value.GetString();
  }
  if (auto it = d.FindMember("content"); it != d.MemberEnd() && it->value.IsString()) {
    f.content = it->value.GetString();
  }
  return f;
}

}  // namespace sparouter::testing
