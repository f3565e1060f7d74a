#include "http/connection.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <type_traits>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "common/coarse_clock.hpp"
#include "http/refusal.hpp"
#include "http/request_parser.hpp"
#include "http/tls_stream.hpp"
#include "http/write_now.hpp"

namespace sparouter::http {

namespace {

using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto kNever = Clock::time_point::max();
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr std::string_view kCrlf = "\r\n";
// After an error answer the client may still be sending; read and drop a bounded amount so the
// answer is not lost to a reset, then close.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr size_t kHeadReserve = 512;  // a response head with our headers fits

inline asio::const_buffer cbuf(std::string_view s) { return {s.data(), s.size()}; }
inline auto ec_token(std::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(TlsStream& s) { return s.socket(); }
void close_stream(tcp::socket& s) {
  std::error_code ec;
  s.close(ec);
}
void close_stream(TlsStream& s) { s.close(); }

template <class Stream>
class Connection final : public ConnectionBase,
                         public ResponseWriter,
                         public WatchTarget,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  explicit Connection(ServerShared& shared, WatchSweep* sweep, Args&&... args)
      : stream_(std::forward<Args>(args)...),
        shared_(shared),
        sweep_(sweep),
        opts_(shared.options),
        parser_(shared.options.limits),
        timer_(stream_.get_executor()),
        watch_done_(stream_.get_executor()),
        cap_(std::max<size_t>(shared.options.read_buffer_bytes, 1024)),
        buf_(new char[cap_]) {}

  ~Connection() {
    if (sweep_ != nullptr) sweep_->remove(*this);
    shared_.registry.remove(*this);  // destroyed without finishing: the server's shutdown
  }

  void start() {
    std::error_code ec;
    lowest(stream_).non_blocking(true, ec);  // write_now's writes never block the thread
    shared_.registry.add(*this);
    timer_.expires_at(kNever);  // not armed: the first deadline arms it
    asio::co_spawn(stream_.get_executor(), run(this->shared_from_this()), asio::detached);
  }

  std::shared_ptr<ConnectionBase> share() override { return this->weak_from_this().lock(); }

  void stop_gracefully() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopping_ = true;
      if (self->state_ == State::kIdle) self->close_now();
    });
  }

  void force_close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->mark_gone();
      self->close_now();
    });
  }

  // ResponseWriter
  awaitable<bool> send(int status, const Headers& headers, std::string_view body) override {
    if (started_ || closed_) co_return false;
    started_ = true;
    begin_head(status, headers);
    const bool bodiless_status = status < 200 || status == 204 || status == 304;
    if (bodiless_status) {
      body = {};  // these answers carry neither a body nor Content-Length (RFC 9110)
    } else {
      head_ += "Content-Length: ";
      append_uint(head_, body.size());
      head_ += kCrlf;
    }
    end_head();
    if (head_only_) body = {};
    std::array buffers{cbuf(head_), asio::const_buffer(body.data(), body.size())};
    if (const Wrote now = write_now(buffers); now != Wrote::kPending) co_return now == Wrote::kAll;
    co_return co_await write_all(buffers);
  }

  awaitable<bool> begin_stream(int status, const Headers& headers) override {
    if (started_ || closed_) co_return false;
    started_ = streaming_ = true;
    begin_head(status, headers);
    if (http10_) {
      keep_alive_ = false;  // HTTP/1.0 has no chunks: the end of the body is the close
    } else {
      head_ += "Transfer-Encoding: chunked\r\n";
    }
    end_head();
    if (head_only_) ended_ = true;
    std::array buffers{cbuf(head_)};
    if (const Wrote now = write_now(buffers); now != Wrote::kPending) co_return now == Wrote::kAll;
    co_return co_await write_all(buffers);
  }

  awaitable<bool> write_chunk(std::string_view data) override {
    if (!streaming_ || ended_) co_return !client_gone_ && streaming_;
    if (data.empty()) co_return !client_gone_;  // an empty chunk would end the stream
    // HTTP/1.0: the bytes alone (the close ends the body); else one chunk: size, data, CRLF.
    char size_line[24];
    auto r = std::to_chars(size_line, size_line + 20, data.size(), 16);
    *r.ptr++ = '\r';
    *r.ptr++ = '\n';
    std::array buffers{
        asio::const_buffer(size_line, http10_ ? 0 : static_cast<size_t>(r.ptr - size_line)),
        asio::const_buffer(data.data(), data.size()), asio::buffer(kCrlf, http10_ ? 0 : 2)};
    if (const Wrote now = write_now(buffers); now != Wrote::kPending) co_return now == Wrote::kAll;
    co_return co_await write_all(buffers);
  }

  awaitable<bool> end_stream() override {
    if (!streaming_ || ended_) co_return !client_gone_ && streaming_;
    ended_ = true;
    if (http10_) co_return !client_gone_;
    std::array buffers{asio::buffer(kLastChunk)};
    if (const Wrote now = write_now(buffers); now != Wrote::kPending) co_return now == Wrote::kAll;
    co_return co_await write_all(buffers);
  }

  bool client_gone() const noexcept override { return client_gone_; }
  bool response_started() const noexcept override { return started_; }

  asio::cancellation_slot client_gone_slot() override {
    if (sweep_ == nullptr) {
      start_watch();
    } else if (!watching_ && state_ == State::kHandling) {
      sweep_->add(*this, request_number_);
    }
    return gone_signal_.slot();
  }

  // WatchTarget: on the sweep's thread, under its lock; the connection is alive (it unlists
  // itself before it goes) but perhaps in its destructor, hence the weak pointer.
  void watch_due(uint64_t generation) override {
    if (auto self = this->weak_from_this().lock()) {
      asio::post(stream_.get_executor(), [self = std::move(self), generation] {
        if (self->request_number_ == generation) self->start_watch();
      });
    }
  }

 private:
  enum class State : uint8_t { kIdle, kReading, kHandling };
  enum class ReadResult : uint8_t { kRequest, kClose, kLinger };

  awaitable<void> run([[maybe_unused]] std::shared_ptr<Connection> self) {
    stopping_ = shared_.stopping.load(std::memory_order_relaxed);
    if constexpr (kIsTls<Stream>) {
      set_deadline(coarse_steady_now() + opts_.header_timeout);
      std::error_code ec;
      co_await stream_.async_handshake(ec_token(ec));
      if (ec) {
        finish();
        co_return;
      }
    }
    for (;;) {
      const ReadResult r = co_await read_request();
      if (r == ReadResult::kClose) break;
      if (r == ReadResult::kLinger) {
        co_await linger();
        break;
      }
      if (!co_await dispatch()) break;
      parser_.next();
    }
    finish();
  }

  awaitable<ReadResult> read_request() {
    const bool buffered = begin_ != end_;
    state_ = buffered ? State::kReading : State::kIdle;
    // A new connection waits for its first request no longer than the header timeout (or the
    // idle one, if shorter): then the first byte's header deadline only moves it later, which
    // does not re-arm the timer.
    const std::chrono::milliseconds wait =
        buffered               ? opts_.header_timeout
        : request_number_ == 0 ? std::min(opts_.idle_timeout, opts_.header_timeout)
                               : opts_.idle_timeout;
    set_deadline(coarse_steady_now() + wait);
    bool need_feed = buffered;
    for (;;) {
      while (need_feed) {
        const auto step = parser_.feed({buf_.get() + begin_, end_ - begin_});
        begin_ += step.consumed;
        need_feed = false;
        switch (step.event) {
          case RequestParser::Event::kHead:
            state_ = State::kReading;
            set_deadline(coarse_steady_now() + opts_.body_timeout);
            if (parser_.expects_continue() && !stopping_) {
              if (!co_await write_all(std::array{asio::buffer(kContinue)})) {
                co_return ReadResult::kClose;
              }
            }
            need_feed = true;  // also with nothing buffered: a bodiless request ends here
            break;
          case RequestParser::Event::kMessage:
            co_return ReadResult::kRequest;
          case RequestParser::Event::kError:
            co_await send_error(parser_.error_status());
            co_return ReadResult::kLinger;
          case RequestParser::Event::kNeedMore:
            break;
        }
      }
      if (state_ == State::kIdle && parser_.in_message()) {
        state_ = State::kReading;  // a request started: the head must arrive in time
        set_deadline(coarse_steady_now() + opts_.header_timeout);
      }
      if (stopping_ && state_ == State::kIdle) co_return ReadResult::kClose;
      begin_ = end_ = 0;
      std::error_code ec;
      const size_t n =
          co_await stream_.async_read_some(asio::buffer(buf_.get(), cap_), ec_token(ec));
      if (ec || closed_) co_return ReadResult::kClose;  // EOF mid-request: nobody to answer
      end_ = n;
      need_feed = true;
    }
  }

  awaitable<bool> dispatch() {
    Request& request = parser_.request();
    state_ = State::kHandling;
    set_deadline(kNever);
    keep_alive_ = request.keep_alive;
    head_only_ = request.method == "HEAD";
    http10_ = request.version_minor == 0;
    started_ = streaming_ = ended_ = false;
    ++request_number_;
    bool threw = false;
    try {
      co_await shared_.handler(request, *this);
    } catch (...) {
      threw = true;
    }
    if (!closed_ && !client_gone_) {
      if (!started_) {
        // In the host's error format; the connection ends (the handler's state is unknown).
        keep_alive_ = false;
        co_await send_error(500);
      } else if (streaming_ && !ended_) {
        if (threw) {
          keep_alive_ = false;  // the body cannot end cleanly: closing tells the client
        } else {
          co_await end_stream();
        }
      }
    }
    if (sweep_ != nullptr) sweep_->remove(*this);
    co_await stop_watch();
    // The handler's frame (and whatever its slot handler refers to) is gone: never call it again.
    gone_signal_.slot().clear();
    state_ = State::kIdle;
    if (begin_ == end_) begin_ = end_ = 0;
    co_return keep_alive_ && !client_gone_ && !closed_ && !stopping_;
  }

  awaitable<void> send_error(int status) {
    head_ = refusal_response(status, opts_.refusal_reply, parser_.request());
    co_await write_all(std::array{cbuf(head_)});
  }

  awaitable<void> linger() {
    if constexpr (!kIsTls<Stream>) {
      if (closed_) co_return;
      std::error_code ec;
      stream_.shutdown(tcp::socket::shutdown_send, ec);
      set_deadline(coarse_steady_now() +
                   std::min<Clock::duration>(kLingerTime, opts_.body_timeout));
      size_t total = 0;
      while (!ec && !closed_ && total < kLingerBytes) {
        total += co_await stream_.async_read_some(asio::buffer(buf_.get(), cap_), ec_token(ec));
      }
    }
  }

  void begin_head(int status, const Headers& headers) {
    head_.clear();
    head_.reserve(kHeadReserve);  // once per connection: not a string of doublings from empty
    head_ += http10_ ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_uint(head_, static_cast<uint64_t>(status));
    head_ += ' ';
    head_ += reason_phrase(status);
    head_ += kCrlf;
    for (const auto& h : headers) {
      if (is_framing_header(h.name)) continue;  // the server owns the framing
      head_ += h.name;
      head_ += ": ";
      head_ += h.value;
      head_ += kCrlf;
    }
  }

  void end_head() {
    if (stopping_) keep_alive_ = false;
    if (!keep_alive_) {
      head_ += "Connection: close\r\n";
    } else if (http10_) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += kCrlf;
  }

  // Plain TCP: what the socket takes now (write_now.hpp); kPending: write_all the rest.
  enum class Wrote : uint8_t { kAll, kFailed, kPending };
  template <size_t N>
  Wrote write_now(std::array<asio::const_buffer, N>& buffers) {
    if (closed_ || client_gone_) return Wrote::kFailed;
    if constexpr (kIsTls<Stream>) {
      return Wrote::kPending;  // one TLS record, written by write_all
    } else {
      std::error_code ec;
      switch (http::write_now(stream_, buffers, ec)) {  // non-blocking since start()
        case WriteNow::kAll:
          return Wrote::kAll;
        case WriteNow::kPartial:
          return Wrote::kPending;
        case WriteNow::kFailed:
          break;
      }
      mark_gone();
      return Wrote::kFailed;
    }
  }

  template <class Buffers>
  awaitable<bool> write_all(const Buffers& buffers) {
    if (closed_ || client_gone_) co_return false;
    const auto previous = deadline_;
    set_deadline(coarse_steady_now() + opts_.write_timeout);
    std::error_code ec;
    if constexpr (kIsTls<Stream>) {
      // One TLS record rather than one per buffer.
      out_.clear();
      for (const auto& b : buffers) out_.append(static_cast<const char*>(b.data()), b.size());
      co_await asio::async_write(stream_, asio::buffer(out_), ec_token(ec));
    } else {
      co_await asio::async_write(stream_, buffers, ec_token(ec));
    }
    set_deadline(previous);
    if (ec) {
      mark_gone();
      co_return false;
    }
    co_return true;
  }

  void start_watch() {
    if (watching_ || closed_ || client_gone_ || state_ != State::kHandling) return;
    watching_ = true;
    stop_watch_ = false;
    asio::co_spawn(stream_.get_executor(), watch(this->shared_from_this()), asio::detached);
  }

  // Reads while the handler runs: EOF or an error means the client went away. Bytes of a
  // pipelined next request are kept for the parser.
  awaitable<void> watch([[maybe_unused]] std::shared_ptr<Connection> self) {
    while (!stop_watch_ && !closed_) {
      if (end_ == cap_ && begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (end_ == cap_) break;  // a long pipelined backlog: stop watching rather than drop it
      std::error_code ec;
      const size_t n = co_await stream_.async_read_some(
          asio::buffer(buf_.get() + end_, cap_ - end_), ec_token(ec));
      end_ += n;
      if (ec) {
        if (!(stop_watch_ && ec == asio::error::operation_aborted)) mark_gone();
        break;
      }
    }
    watching_ = false;
    watch_done_.cancel();
  }

  awaitable<void> stop_watch() {
    if (!watching_) co_return;
    stop_watch_ = true;
    watch_done_.expires_at(kNever);
    std::error_code ec;
    lowest(stream_).cancel(ec);
    while (watching_) co_await watch_done_.async_wait(ec_token(ec));
  }

  // The deadline timer is armed for the earliest moment the deadline may pass. Moving the
  // deadline later costs nothing (the timer re-arms itself when it fires early); only an earlier
  // deadline re-arms it. A plain callback, not a coroutine: nothing to spawn per connection.
  void set_deadline(Clock::time_point t) {
    deadline_ = t;
    if (t < timer_.expiry() && !closed_) arm_timer(t);
  }

  void arm_timer(Clock::time_point t) {
    timer_.expires_at(t);  // cancels a pending wait, whose handler then sees a stale number
    const uint32_t arm = ++timer_arms_;
    timer_.async_wait([self = this->shared_from_this(), arm](const std::error_code&) {
      self->on_timer(arm);
    });
  }

  void on_timer(uint32_t arm) {
    if (arm != timer_arms_ || closed_) return;
    if (Clock::now() >= deadline_) {
      close_now();  // pending reads and writes fail; the run loop ends
    } else if (deadline_ != kNever) {
      arm_timer(deadline_);
    } else {
      timer_.expires_at(kNever);  // unarmed until the next deadline
    }
  }

  void mark_gone() {
    if (client_gone_) return;
    client_gone_ = true;
    gone_signal_.emit(asio::cancellation_type::terminal);
  }

  void close_now() {
    if (closed_) return;
    closed_ = true;
    close_stream(stream_);
    timer_.cancel();
  }

  void finish() {
    close_now();
    shared_.registry.remove(*this);
  }

  Stream stream_;
  ServerShared& shared_;
  WatchSweep* sweep_;  // null: watches start at once
  const ServerOptions& opts_;
  RequestParser parser_;
  asio::steady_timer timer_;
  asio::steady_timer watch_done_;
  asio::cancellation_signal gone_signal_;
  Clock::time_point deadline_ = kNever;
  size_t cap_;
  std::unique_ptr<char[]> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  std::string head_;
  std::string out_;
  State state_ = State::kIdle;
  bool stopping_ = false;
  bool closed_ = false;
  bool client_gone_ = false;
  bool keep_alive_ = true;
  bool head_only_ = false;
  bool http10_ = false;
  bool started_ = false;
  bool streaming_ = false;
  bool ended_ = false;
  bool watching_ = false;
  bool stop_watch_ = false;
  uint64_t request_number_ = 0;  // which request a late watch start belongs to
  uint32_t timer_arms_ = 0;      // the current arming of timer_; older handlers do nothing
};

}  // namespace

void start_connection(tcp::socket socket, ServerShared& shared, WatchSweep* sweep) {
#if !defined(__linux__)  // Linux copies it from the listening socket (Server::start sets it)
  std::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
#endif
  if (shared.tls) {
    auto c = std::make_shared<Connection<TlsStream>>(shared, sweep, std::move(socket), shared.tls);
    c->start();
  } else {
    auto c = std::make_shared<Connection<tcp::socket>>(shared, sweep, std::move(socket));
    c->start();
  }
}

}  // namespace sparouter::http
