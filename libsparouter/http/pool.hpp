// Keep-alive connections per origin with a cap on how many are open. Not thread-safe: one pool
// (one Client) per io_context thread or strand.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/client_connection.hpp"
#include "http/client_error.hpp"

namespace sparouter::http {

struct PoolOptions {
  size_t max_per_origin = 64;  // open connections (idle + in use); more requests wait
  size_t max_idle_per_origin = 16;
  std::chrono::milliseconds idle_timeout{30'000};  // idle connections close after this
  // A connection idle at least this long is checked for the peer's close (a system call)
  // before reuse; one reused sooner is trusted: servers close idle connections after seconds,
  // and under load the check cost a third of the upstream side's system calls.
  std::chrono::milliseconds check_after_idle{1'000};
};

class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;
  ConnectionPool(asio::any_io_executor executor, PoolOptions options);
  ~ConnectionPool();  // closes the idle connections
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A reusable idle connection, or null meaning "a slot is yours: open a new connection".
  // Waits for a slot until `deadline` (then a connect-phase timeout). With reuse_idle false
  // the answer is always a slot: idle connections are passed over (a retry wants a new one).
  asio::awaitable<ClientResult<std::shared_ptr<ClientConnection>>> acquire(
      const std::string& origin, Clock::time_point deadline, bool reuse_idle = true);
  // A reusable idle connection taken at once (counted in use), or null: then call acquire().
  // No coroutine: the common case of a warm pool costs no frame.
  std::shared_ptr<ClientConnection> take_idle(const std::string& origin);
  // Gives a connection back after a complete exchange; kept when reusable and there is room.
  void release(std::shared_ptr<ClientConnection> connection);
  // Closes a connection (failed, cancelled, or not to be reused) and frees its slot.
  void discard(const std::shared_ptr<ClientConnection>& connection);
  // Frees a slot reserved by acquire() whose connection never opened.
  void discard_slot(const std::string& origin);

  size_t idle_count(const std::string& origin) const;
  size_t in_use_count(const std::string& origin) const;

 private:
  struct Origin {
    std::vector<std::shared_ptr<ClientConnection>> idle;
    size_t in_use = 0;
    std::deque<asio::steady_timer*> waiters;
  };
  std::shared_ptr<ClientConnection> take_idle(Origin& o);
  void wake_one(Origin& o);

  asio::any_io_executor executor_;
  PoolOptions options_;
  std::unordered_map<std::string, Origin> origins_;
};

}  // namespace sparouter::http
