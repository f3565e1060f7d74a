// The server's list of live connections, so shutdown can reach each of them on its own thread.
// Intrusive: a connection carries its own links, so listing one allocates nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

namespace sparouter::http {

class ConnectionRegistry;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Both are thread-safe: they post to the connection's executor.
  // Finish the request in flight (if any) with Connection: close; close an idle connection now.
  virtual void stop_gracefully() = 0;
  // Close now; a running handler sees client_gone().
  virtual void force_close() = 0;
  // A strong reference, or null once the last one is gone (the connection is being destroyed).
  virtual std::shared_ptr<ConnectionBase> share() = 0;

 private:
  friend class ConnectionRegistry;
  ConnectionBase* prev_ = nullptr;  // guarded by the registry's lock
  ConnectionBase* next_ = nullptr;
  bool listed_ = false;
};

class ConnectionRegistry {
 public:
  void add(ConnectionBase& connection);
  // A no-op for a connection not listed; call it before the connection's members go.
  void remove(ConnectionBase& connection);
  size_t size() const noexcept { return count_.load(std::memory_order_relaxed); }
  void for_each(const std::function<void(ConnectionBase&)>& fn) const;
  // True when the registry emptied before the deadline.
  bool wait_empty_until(std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable empty_;
  ConnectionBase* head_ = nullptr;
  std::atomic<size_t> count_{0};
};

}  // namespace sparouter::http
