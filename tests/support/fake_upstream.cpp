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

std::string stats_to_json(const FakeStats& st);

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

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket sock);
  asio::awaitable<bool> handle(tcp::socket& s, http::Request& req);
  asio::awaitable<bool> chat(tcp::socket& s, http::Request& req, Flavor flavor, std::string model);
  asio::awaitable<bool> send(tcp::socket& s, int status, std::string_view body,
                             const http::Headers& extra = {}) {
    const std::string h = head(status, "application/json", extra, false, body.size());
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

  const std::optional<Fault> f = take_fault();
  if (f) co_await sleep_ms(f->delay_ms);
  if (f && f->reset) {
    std::error_code ec;
    s.set_option(asio::socket_base::linger(true, 0), ec);
    s.close(ec);
    co_return false;
  }
  const http::Headers tag{{"x-fake-upstream", opts.name}};
  if (f && f->status != 0) {
    http::Headers extra = tag;
    if (!f->retry_after.empty()) {
      extra.push_back({"Retry-After", f->retry_after});
    } else if (f->retry_after_s) {
      extra.push_back({"Retry-After", std::to_string(*f->retry_after_s)});
    }
    const std::string body = error_json(f->status, "fake fault " + std::to_string(f->status));
    co_return co_await send(s, f->status, body, extra);
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
  const std::string h = head(200, "text/event-stream", tag, true, 0);
  if (!co_await write(s, h)) co_return false;
  co_await sleep_ms(stall);
  bool ok = true;
  for (size_t i = 0; i < events.size() && ok; ++i) {
    if (reset_after >= 0 && static_cast<int>(i) == reset_after) {
      std::error_code ec;
      s.set_option(asio::socket_base::linger(true, 0), ec);
      s.close(ec);
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
