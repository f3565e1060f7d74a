#include "http/write_batch.hpp"

#include <asio/execution/context.hpp>
#include <asio/post.hpp>
#include <asio/query.hpp>

namespace sparouter::http {

WriteBatch::WriteBatch(asio::execution_context& context) : service(context) {}

WriteBatch& WriteBatch::of(const asio::any_io_executor& executor) {
  return asio::use_service<WriteBatch>(asio::query(executor, asio::execution::context));
}

namespace {
// A turn's buffer keeps at most this much capacity for the next (a burst of large requests
// should not pin memory for good).
constexpr size_t kMaxKeptBytes = 1024 * 1024;
}  // namespace

void WriteBatch::defer(std::shared_ptr<DeferredWriter> writer,
                       const asio::any_io_executor& executor,
                       std::span<const asio::const_buffer> bytes) {
  {
    std::lock_guard lock(mu_);
    std::string& out = queued_.bytes;
    const size_t offset = out.size();
    for (const auto& b : bytes) out.append(static_cast<const char*>(b.data()), b.size());
    queued_.writes.push_back({std::move(writer), offset, out.size() - offset});
    if (posted_) return;
    posted_ = true;
  }
  asio::post(executor, [this] { flush(); });
}

void WriteBatch::flush() {
  Turn turn;
  {
    std::lock_guard lock(mu_);
    std::swap(turn, spare_);
    std::swap(turn, queued_);  // queued_ takes the spare's capacity
    posted_ = false;
  }
  for (const Held& h : turn.writes) {
    h.writer->flush_deferred(std::string_view(turn.bytes).substr(h.offset, h.size));
  }
  turn.writes.clear();
  turn.bytes.clear();
  if (turn.bytes.capacity() > kMaxKeptBytes) std::string().swap(turn.bytes);
  std::lock_guard lock(mu_);
  if (spare_.bytes.capacity() < turn.bytes.capacity()) std::swap(spare_, turn);
}

void WriteBatch::shutdown() {
  Turn dropped;
  {
    std::lock_guard lock(mu_);
    std::swap(dropped, queued_);
    spare_ = Turn{};
  }
  // Destroyed outside the lock: a writer's destructor may close sockets of this io_context.
}

}  // namespace sparouter::http
