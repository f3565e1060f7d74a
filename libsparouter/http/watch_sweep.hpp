// Starts client-gone watches late. A watch is a read on the client's socket while the handler
// runs; started at once it costs a system call and a cancel for every request, though most
// answers come back within milliseconds, long before a vanished client would matter. So a
// handler that asks for one is listed here, and a periodic tick starts the watches of those
// still listed after a full period: a client that leaves is noticed within one or two periods.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

namespace sparouter::http {

class WatchSweep;

// What the sweep lists: a connection whose handler wants its client watched.
class WatchTarget {
 public:
  // Called on the sweep's thread, under its lock, once `generation` (the value given to add())
  // has been listed a full period: post the watch's start to the target's own executor.
  virtual void watch_due(uint64_t generation) = 0;

 protected:
  ~WatchTarget() = default;

 private:
  friend class WatchSweep;
  static constexpr size_t kUnlisted = std::numeric_limits<size_t>::max();
  size_t sweep_slot_ = kUnlisted;  // index in the sweep's list, guarded by its lock
};

class WatchSweep {
 public:
  // `period` > 0. The timer runs on `executor` (one io_context of the server).
  WatchSweep(asio::any_io_executor executor, std::chrono::milliseconds period);
  ~WatchSweep();
  WatchSweep(const WatchSweep&) = delete;
  WatchSweep& operator=(const WatchSweep&) = delete;

  // Thread-safe. Lists `target` (a no-op when it is listed already).
  void add(WatchTarget& target, uint64_t generation);
  // Thread-safe. Unlists `target` if listed; after it returns, watch_due() is not running for
  // it and will not be called for it.
  void remove(WatchTarget& target);
  // Call after the executor's threads have stopped and before its io_context is destroyed:
  // drops the timer; add() and remove() stay safe (nothing is started any more).
  void stop();

  size_t listed() const;

 private:
  struct Entry {
    WatchTarget* target;
    uint64_t generation;
    uint64_t tick;  // the sweep's tick count when it was listed
  };
  void arm();
  void on_tick();
  void unlink(size_t slot);

  asio::any_io_executor executor_;
  std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::unique_ptr<asio::steady_timer> timer_;
  uint64_t tick_ = 0;
  uint32_t idle_ticks_ = 0;
  bool ticking_ = false;
  bool stopped_ = false;
};

}  // namespace sparouter::http
