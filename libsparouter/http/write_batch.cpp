#include "http/write_batch.hpp"

#include <asio/execution/context.hpp>
#include <asio/post.hpp>
#include <asio/query.hpp>

namespace sparouter::http {

WriteBatch::WriteBatch(asio::execution_context& context) : service(context) {}

WriteBatch& WriteBatch::of(const asio::any_io_executor& executor) {
  return asio::use_service<WriteBatch>(asio::query(executor, asio::execution::context));
}

void WriteBatch::defer(std::shared_ptr<DeferredWriter> writer,
                       const asio::any_io_executor& executor) {
  {
    std::lock_guard lock(mu_);
    queued_.push_back(std::move(writer));
    if (posted_) return;
    posted_ = true;
  }
  asio::post(executor, [this] { flush(); });
}

void WriteBatch::flush() {
  std::vector<std::shared_ptr<DeferredWriter>> turn;
  {
    std::lock_guard lock(mu_);
    turn.swap(spare_);
    turn.swap(queued_);  // queued_ takes the spare's capacity
    posted_ = false;
  }
  for (const auto& w : turn) w->flush_deferred();
  turn.clear();
  std::lock_guard lock(mu_);
  if (spare_.capacity() < turn.capacity()) spare_.swap(turn);
}

void WriteBatch::shutdown() {
  std::vector<std::shared_ptr<DeferredWriter>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(queued_);
    spare_.clear();
  }
  // Destroyed outside the lock: a writer's destructor may close sockets of this io_context.
}

}  // namespace sparouter::http
