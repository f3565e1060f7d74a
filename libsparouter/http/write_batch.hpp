// Writes of one turn of an io_context's event loop, sent together when the turn ends.
//
// Why: a send to a peer that sleeps on another CPU wakes it, and waking a halted CPU is among the
// dearest things a proxy does (on a virtual machine, tens of microseconds of the sender's time).
// Sent one at a time while the turn's requests are handled, many sends land on a peer that has
// just gone back to sleep; sent in one burst, the first wakes it and the others find it awake.
// A write waits at most for the rest of the turn: the flush is posted behind the handlers that
// were ready, and an answer to it could not be read before the next poll anyway.
//
// The bytes are copied into a buffer of the batch's, reused every other turn, rather than into
// each writer's own: with many connections, a buffer per connection is cold memory by the time
// its next request is written there.
//
// Only for an io_context run by one thread, with writers on its own (plain) executor: the flush
// calls every queued writer from the thread that runs it.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/execution_context.hpp>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <asio/buffer.hpp>

namespace sparouter::http {

// Something with bytes held back: flush_deferred() sends them (on the io_context's thread). The
// bytes live until the call returns: what the socket does not take then must be copied.
class DeferredWriter {
 public:
  virtual void flush_deferred(std::string_view bytes) noexcept = 0;

 protected:
  ~DeferredWriter() = default;
};

class WriteBatch final : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;  // NOLINT: Asio's service key

  explicit WriteBatch(asio::execution_context& context);

  // The batch of the io_context behind `executor`.
  static WriteBatch& of(const asio::any_io_executor& executor);

  // Copies `bytes` and keeps `writer` until the end of the turn, then calls flush_deferred() with
  // the copy. The first one queued in a turn posts the flush to `executor`.
  void defer(std::shared_ptr<DeferredWriter> writer, const asio::any_io_executor& executor,
             std::span<const asio::const_buffer> bytes);

 private:
  void shutdown() override;  // the io_context is going: drop what is queued, unsent
  void flush();

  struct Held {
    std::shared_ptr<DeferredWriter> writer;
    size_t offset;  // its bytes in the turn's buffer
    size_t size;
  };
  struct Turn {
    std::vector<Held> writes;
    std::string bytes;
  };

  std::mutex mu_;
  Turn queued_;
  Turn spare_;  // the last turn's, capacity kept
  bool posted_ = false;
};

}  // namespace sparouter::http
