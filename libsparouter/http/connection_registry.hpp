// The server's list of live connections, so shutdown can reach each of them on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace sparouter::http {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Both are thread-safe: they post to the connection's executor.
  // Finish the request in flight (if any) with Connection: close; close an idle connection now.
  virtual void stop_gracefully() = 0;
  // Close now; a running handler sees client_gone().
  virtual void force_close() = 0;
};

class ConnectionRegistry {
 public:
  void add(ConnectionBase* key, std::weak_ptr<ConnectionBase> connection);
  void remove(ConnectionBase* key);
  size_t size() const;
  void for_each(const std::function<void(ConnectionBase&)>& fn) const;
  // True when the registry emptied before the deadline.
  bool wait_empty_until(std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable empty_;
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> live_;
};

}  // namespace sparouter::http
