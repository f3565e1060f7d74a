#include "http/client.hpp"

#include "http/client_connection.hpp"
#include "http/tls_stream.hpp"
#include "http/url.hpp"

namespace sparouter::http {

namespace {
using Clock = std::chrono::steady_clock;

ClientError io_error(const ClientConnection& c, const std::error_code& ec, bool sent,
                     bool started, bool cancelled) {
  if (cancelled) return {ClientErrc::kCancelled, TimeoutPhase::kNone, "cancelled", sent, started};
  if (c.timed_out() != TimeoutPhase::kNone) {
    return {ClientErrc::kTimeout, c.timed_out(),
            std::string(timeout_phase_name(c.timed_out())) + " timeout", sent, started};
  }
  if (ec.category() == tls_category()) {
    return {ClientErrc::kTls, TimeoutPhase::kNone, "TLS: " + ec.message(), sent, started};
  }
  return {ClientErrc::kClosed, TimeoutPhase::kNone, ec.message(), sent, started};
}

size_t total_size(const std::array<std::string_view, 3>& body_pieces) noexcept {
  return body_pieces[0].size() + body_pieces[1].size() + body_pieces[2].size();
}

ClientError protocol_error(std::string_view reason) {
  return {ClientErrc::kProtocol, TimeoutPhase::kNone, "bad response: " + std::string(reason), true,
          true};
}

ClientError closed_unanswered() {
  return {ClientErrc::kClosed, TimeoutPhase::kNone, "connection closed before a response", true,
          false};
}

// The peer closed or reset the connection (or its TLS layer) before any byte of an answer.
bool peer_closed_unanswered(const ClientError& e) {
  return !e.response_started && (e.code == ClientErrc::kClosed || e.code == ClientErrc::kTls);
}

bool is_owned_header(std::string_view name) {
  return iequals(name, "host") || iequals(name, "content-length") ||
         iequals(name, "transfer-encoding");
}
}  // namespace

void Client::write_head(ClientConnection& conn, const Target& target,
                        const ClientRequest& request) {
  std::string& head = conn.head;
  head.clear();
  head += request.method;
  head += ' ';
  head += target.url.target;
  head += " HTTP/1.1\r\nHost: ";
  head += target.host_header;
  head += "\r\n";
  for (const auto& h : request.headers) {
    if (is_owned_header(h.name)) continue;
    head += h.name;
    head += ": ";
    head += h.value;
    head += "\r\n";
  }
  const size_t body_size = request.body_size();
  if (body_size != 0 || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    head += "Content-Length: ";
    append_uint(head, body_size);
    head += "\r\n";
  }
  head += "\r\n";
}

const char* client_errc_name(ClientErrc code) noexcept {
  switch (code) {
    case ClientErrc::kInvalidRequest: return "invalid_request";
    case ClientErrc::kResolve: return "resolve";
    case ClientErrc::kConnect: return "connect";
    case ClientErrc::kTimeout: return "timeout";
    case ClientErrc::kTls: return "tls";
    case ClientErrc::kTlsVerify: return "tls_verify";
    case ClientErrc::kProtocol: return "protocol";
    case ClientErrc::kClosed: return "closed";
    case ClientErrc::kCancelled: return "cancelled";
  }
  return "unknown";
}

const char* timeout_phase_name(TimeoutPhase phase) noexcept {
  switch (phase) {
    case TimeoutPhase::kNone: return "none";
    case TimeoutPhase::kConnect: return "connect";
    case TimeoutPhase::kFirstByte: return "first_byte";
    case TimeoutPhase::kTotal: return "total";
  }
  return "unknown";
}

ClientError cancelled_error(bool sent) {
  return {ClientErrc::kCancelled, TimeoutPhase::kNone, "cancelled", sent, false};
}

void SendCanceller::cancel() noexcept {
  cancelled_ = true;
  if (connection_ != nullptr) connection_->close();
}

// ---- Exchange ----

Exchange::Exchange(ConnectionPool& pool, std::shared_ptr<ClientConnection> connection)
    : pool_(pool), connection_(std::move(connection)) {
  status_ = connection_->parser().status();
  headers_ = connection_->parser().headers();
}

Exchange::~Exchange() {
  if (connection_) pool_.discard(connection_);  // body not read to the end: cannot be reused
}

void Exchange::cancel() noexcept {
  cancelled_ = true;
  if (connection_) connection_->close();
}

void Exchange::cap_wait(Clock::time_point deadline) noexcept {
  if (connection_ && deadline < total_deadline_) {
    connection_->set_deadline(deadline, TimeoutPhase::kFirstByte);
  }
}

void Exchange::uncap_wait() noexcept {
  if (connection_) connection_->set_deadline(total_deadline_, TimeoutPhase::kTotal);
}

void Exchange::finish(bool reusable) {
  done_ = true;
  if (reusable) {
    pool_.release(std::move(connection_));
  } else {
    pool_.discard(connection_);
  }
  connection_.reset();
}

std::array<std::string_view, 3> ClientRequest::body_pieces() const noexcept {
  const BodySplice& sp = splice;
  if (sp.source.empty() || sp.offset > sp.source.size() ||
      sp.length > sp.source.size() - sp.offset) {
    return {body, {}, {}};
  }
  return {sp.source.substr(0, sp.offset), body, sp.source.substr(sp.offset + sp.length)};
}

size_t ClientRequest::body_size() const noexcept { return total_size(body_pieces()); }

std::string ClientRequest::body_text() const {
  std::string out;
  out.reserve(body_size());
  for (std::string_view p : body_pieces()) out.append(p);
  return out;
}

asio::awaitable<ClientResult<std::string_view>> Exchange::read_some() {
  if (cancelled_) co_return ClientError{ClientErrc::kCancelled, TimeoutPhase::kNone, "cancelled", true, true};
  if (done_) co_return std::string_view{};
  ClientConnection& c = *connection_;
  ResponseParser& p = c.parser();
  bool close_delimited = false;
  for (;;) {
    if (!p.body().empty()) {
      chunk_.swap(p.body());
      p.body().clear();
      co_return std::string_view(chunk_);
    }
    if (p.message_done()) {
      // Reusable only when the server keeps it alive and sent nothing past the response.
      finish(p.keep_alive() && !close_delimited && c.begin == c.end);
      co_return std::string_view{};
    }
    if (c.begin < c.end) {
      const auto step = p.feed({c.buffer() + c.begin, c.end - c.begin});
      c.begin += step.consumed;
      if (step.event == ResponseParser::Event::kError) {
        finish(false);
        co_return protocol_error(p.error_reason());
      }
      continue;
    }
    c.begin = c.end = 0;
    std::error_code ec;
    const size_t n = co_await c.read_some(ec);
    if (cancelled_) {
      finish(false);
      co_return ClientError{ClientErrc::kCancelled, TimeoutPhase::kNone, "cancelled", true, true};
    }
    if (ec == asio::error::eof && c.timed_out() == TimeoutPhase::kNone) {
      if (p.finish().event == ResponseParser::Event::kMessage) {
        close_delimited = true;  // the end of the body was the close
        continue;
      }
      finish(false);
      co_return protocol_error(p.error_reason());
    }
    if (ec) {
      ClientError err = io_error(c, ec, true, true, false);
      finish(false);
      co_return err;
    }
    c.end = n;
  }
}

// ---- Client ----

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : executor_(executor), options_(std::move(options)), pool_(executor, options_.pool) {}

Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(asio::any_io_executor executor,
                                               ClientOptions options) {
  auto tls = TlsConfig::client(options.tls);
  if (!tls) return tls.status();
  std::unique_ptr<Client> client(new Client(std::move(executor), std::move(options)));
  client->tls_ = std::move(tls.value());
  return client;
}

std::shared_ptr<const Client::Target> Client::target_for(const std::string& url) {
  for (const auto& [text, target] : targets_) {
    if (text == url) return target;
  }
  auto parsed = parse_url(url);
  if (!parsed) return nullptr;
  auto target = std::make_shared<Target>();
  target->origin = parsed->origin();
  target->host_header = parsed->host_header();
  target->url = std::move(*parsed);
  if (targets_.size() >= kMaxTargets) targets_.clear();  // held targets live on in their requests
  targets_.emplace_back(url, target);
  return target;
}

asio::awaitable<ClientResult<std::shared_ptr<ClientConnection>>> Client::open(
    std::shared_ptr<const Target> target, Clock::time_point deadline, bool reuse_idle,
    SendCanceller* canceller) {
  auto acquired = co_await pool_.acquire(target->origin, deadline, reuse_idle);
  if (!acquired) co_return acquired.error();
  std::shared_ptr<ClientConnection> conn = std::move(acquired.value());
  if (conn) co_return conn;  // one came back to the pool while we waited
  conn = std::make_shared<ClientConnection>(executor_, target->origin,
                                            options_.max_response_head_bytes);
  // A slow connect or TLS handshake (an unreachable host waits out connect_timeout) is stopped
  // by the canceller too: close() fails the resolve, connect or handshake in progress.
  if (!SendCanceller::watch(canceller, conn.get())) {
    pool_.discard(conn);
    co_return cancelled_error(false);
  }
  // Named, not a temporary in the co_await: g++ 12 mis-destroys those (TOOLCHAIN.md traps).
  std::shared_ptr<const TlsConfig> tls = target->url.tls ? tls_ : nullptr;
  auto failed = co_await conn->connect(target->url, std::move(tls), deadline);
  if (SendCanceller::unwatch(canceller)) {
    pool_.discard(conn);
    co_return cancelled_error(false);
  }
  if (failed) {
    pool_.discard(conn);
    co_return std::move(*failed);
  }
  co_return conn;
}

// The connection comes from the pool without a coroutine when one is idle; open() (its own
// frame) runs only when one must be waited for or made. This frame stays under Asio's
// recycling limit of 1,020 bytes.
asio::awaitable<ClientResult<std::unique_ptr<Exchange>>> Client::send(const ClientRequest& request,
                                                                      SendCanceller* canceller) {
  const std::shared_ptr<const Target> target = target_for(request.url);
  if (!target) {
    co_return ClientError{ClientErrc::kInvalidRequest, TimeoutPhase::kNone,
                          "not an absolute http(s) URL: " + request.url, false, false};
  }
  const auto start = Clock::now();
  const auto total_deadline =
      start + (request.total_timeout.count() > 0 ? request.total_timeout : options_.total_timeout);
  const auto first_byte_timeout = request.first_byte_timeout.count() > 0
                                      ? request.first_byte_timeout
                                      : options_.first_byte_timeout;
  std::shared_ptr<ClientConnection> conn = pool_.take_idle(target->origin);
  // A reused connection can meet the peer's idle close in flight (the close crossed our
  // request, or came within check_after_idle). That failure, with no byte of an answer, is
  // retried once on a new connection, as curl does; a failure on a new connection never is.
  bool reused = conn != nullptr;
  bool retrying = false;
  ClientError err;  // the one error slot (frame size: CONTRIBUTING.md)
  for (;;) {
    if (!conn) {
      auto opened = co_await open(
          target, std::min(total_deadline, start + options_.connect_timeout), !retrying, canceller);
      if (!opened) co_return opened.error();
      conn = std::move(opened.value());
    }
    if (!SendCanceller::watch(canceller, conn.get())) {
      pool_.discard(conn);
      co_return cancelled_error(false);
    }
    write_head(*conn, *target, request);
    const auto pieces = request.body_pieces();
    ResponseParser& parser = conn->parser();
    parser.reset();
    parser.expect_no_body(request.method == "HEAD");
    conn->begin = conn->end = 0;
    const auto first_byte_deadline = std::min(total_deadline, Clock::now() + first_byte_timeout);
    conn->set_deadline(first_byte_deadline, first_byte_deadline == total_deadline
                                                ? TimeoutPhase::kTotal
                                                : TimeoutPhase::kFirstByte);
    ClientConnection::Buffers buffers{asio::buffer(conn->head), asio::buffer(pieces[0]),
                                      asio::buffer(pieces[1]), asio::buffer(pieces[2])};
    std::error_code ec;
    if (!(options_.batch_writes && conn->write_later(buffers)) && !conn->write_now(buffers, ec) &&
        !ec) {
      ec = co_await conn->write(buffers);
    }
    bool answered = false;  // the response head is in
    if (ec) {
      err = io_error(*conn, ec, true, false, false);
    } else {
      for (;;) {
        const size_t n = co_await conn->read_some(ec);
        if (ec && conn->write_error()) {  // the request held back for the turn did not go out
          err = io_error(*conn, conn->write_error(), true, false, false);
          break;
        }
        if (ec == asio::error::eof && conn->timed_out() == TimeoutPhase::kNone) {
          const bool started = parser.started();
          answered = parser.finish().event == ResponseParser::Event::kMessage;
          if (!answered)
            err = started ? protocol_error(parser.error_reason()) : closed_unanswered();
          break;
        }
        if (ec) {
          err = io_error(*conn, ec, true, parser.started(), false);
          break;
        }
        conn->end += n;
        const auto step = parser.feed({conn->buffer() + conn->begin, conn->end - conn->begin});
        conn->begin += step.consumed;
        if (step.event == ResponseParser::Event::kError) {
          err = protocol_error(parser.error_reason());
          break;
        }
        answered = step.event != ResponseParser::Event::kNeedMore;
        if (answered) break;
        conn->begin = conn->end = 0;
      }
    }
    if (SendCanceller::unwatch(canceller)) {
      pool_.discard(conn);
      co_return cancelled_error(true);
    }
    if (answered) break;
    pool_.discard(conn);
    conn.reset();
    if (!reused || retrying || !peer_closed_unanswered(err)) co_return std::move(err);
    retrying = true;
  }
  conn->set_deadline(total_deadline, TimeoutPhase::kTotal);
  std::unique_ptr<Exchange> ex(new Exchange(pool_, std::move(conn)));
  ex->total_deadline_ = total_deadline;
  co_return ex;
}

asio::awaitable<ClientResult<ClientResponse>> Client::fetch(const ClientRequest& request,
                                                            size_t max_body_bytes,
                                                            SendCanceller* canceller) {
  auto sent = co_await send(request, canceller);
  if (!sent) co_return sent.error();
  Exchange& ex = **sent;
  ClientResponse response;
  response.status = ex.status();
  response.headers = ex.headers();
  for (;;) {
    // While a read waits, a cancel closes the exchange's connection (then not reused).
    if (!SendCanceller::watch(canceller, ex.connection_.get())) co_return cancelled_error(true);
    auto piece = co_await ex.read_some();
    if (SendCanceller::unwatch(canceller)) co_return cancelled_error(true);
    if (!piece) co_return piece.error();
    if (piece->empty()) break;
    if (response.body.size() + piece->size() > max_body_bytes) {
      co_return ClientError{ClientErrc::kProtocol, TimeoutPhase::kNone,
                            "response body over the limit", true, true};
    }
    response.body.append(*piece);
  }
  co_return response;
}

}  // namespace sparouter::http
