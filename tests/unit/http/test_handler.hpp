// The handler the server tests run against: a few routes with known behaviour.
#pragma once

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "http/response_writer.hpp"

namespace sparouter::http::testing {

struct HandlerState {
  std::atomic<int> handled{0};
  std::atomic<int> stream_started{0};
  std::atomic<bool> saw_client_gone{false};
  std::atomic<bool> wait_cancelled{false};
};

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

inline Headers sse_headers() { return {{"Content-Type", "text/event-stream"}}; }

inline asio::awaitable<void> sleep_ms(long ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  std::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// Routes:
//   /hello                 200 "hello"
//   /echo                  200 "<METHOD> len=<n> sum=<byte sum>"
//   /delay/<ms>/<tag>      waits, then 200 "<tag>"
//   /stream/<n>            n server-sent events "data: <i>\n\n" as chunks
//   /drip/<n>/<ms>         n events, <ms> apart
//   /forever               events every 20 ms until the client goes away
//   /wait                  waits 10 s unless the client goes away (cancellation slot)
//   /status/<code>         that status with the body "body" (dropped for 204 and 304)
//   /big/<n>               200 with n bytes "0123456789..." (more than a socket buffer holds)
//   /bigchunk/<n>          the same n bytes as one chunk of a stream
//   /throw, /nothing       a handler that throws / that answers nothing
inline Handler make_test_handler(HandlerState& st) {
  return [&st](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    st.handled++;
    const std::string& t = req.target;
    if (t == "/hello") {
      co_await send_text(w, 200, "hello");
    } else if (t == "/echo") {
      unsigned long sum = 0;
      for (unsigned char c : req.body) sum += c;
      co_await send_text(w, 200,
                         req.method + " len=" + std::to_string(req.body.size()) +
                             " sum=" + std::to_string(sum));
    } else if (t.rfind("/delay/", 0) == 0) {
      const size_t slash = t.find('/', 7);
      co_await sleep_ms(std::stol(t.substr(7, slash - 7)));
      co_await send_text(w, 200, t.substr(slash + 1));
    } else if (t.rfind("/stream/", 0) == 0) {
      const int n = std::stoi(t.substr(8));
      co_await w.begin_stream(200, sse_headers());
      for (int i = 0; i < n; ++i) {
        if (!co_await w.write_chunk("data: " + std::to_string(i) + "\n\n")) break;
      }
      co_await w.end_stream();
    } else if (t.rfind("/drip/", 0) == 0) {
      const size_t slash = t.find('/', 6);
      const int n = std::stoi(t.substr(6, slash - 6));
      const long gap = std::stol(t.substr(slash + 1));
      co_await w.begin_stream(200, sse_headers());
      for (int i = 0; i < n; ++i) {
        if (i > 0) co_await sleep_ms(gap);
        if (!co_await w.write_chunk("data: " + std::to_string(i) + "\n\n")) break;
      }
      co_await w.end_stream();
    } else if (t == "/forever") {
      st.stream_started++;
      co_await w.begin_stream(200, sse_headers());
      asio::steady_timer timer(co_await asio::this_coro::executor);
      auto slot = w.client_gone_slot();
      for (int i = 0; i < 500 && !w.client_gone(); ++i) {
        if (!co_await w.write_chunk("data: tick\n\n")) break;
        timer.expires_after(std::chrono::milliseconds(20));
        std::error_code ec;
        co_await timer.async_wait(
            asio::bind_cancellation_slot(slot, asio::redirect_error(asio::use_awaitable, ec)));
      }
      st.saw_client_gone = w.client_gone();
    } else if (t == "/wait") {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(10));
      std::error_code ec;
      co_await timer.async_wait(asio::bind_cancellation_slot(
          w.client_gone_slot(), asio::redirect_error(asio::use_awaitable, ec)));
      st.wait_cancelled = ec == asio::error::operation_aborted;
      co_await send_text(w, 200, "waited");
    } else if (t.rfind("/big/", 0) == 0 || t.rfind("/bigchunk/", 0) == 0) {
      const bool chunk = t[4] == 'c';
      std::string body(std::stoul(t.substr(chunk ? 10 : 5)), '\0');
      for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('0' + i % 10);
      if (chunk) {
        co_await w.begin_stream(200, sse_headers());
        co_await w.write_chunk(body);
        co_await w.end_stream();
      } else {
        co_await send_text(w, 200, body);
      }
    } else if (t.rfind("/status/", 0) == 0) {
      const Headers none;
      co_await w.send(std::stoi(t.substr(8)), none, "body");
    } else if (t == "/throw") {
      throw std::runtime_error("handler failure");
    } else if (t == "/nothing") {
      co_return;
    } else {
      co_await send_text(w, 404, "not found");
    }
  };
}

}  // namespace sparouter::http::testing
