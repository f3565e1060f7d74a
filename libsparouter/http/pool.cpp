#include "http/pool.hpp"

#include <algorithm>

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "common/coarse_clock.hpp"

namespace sparouter::http {

ConnectionPool::ConnectionPool(asio::any_io_executor executor, PoolOptions options)
    : executor_(std::move(executor)), options_(options) {}

ConnectionPool::~ConnectionPool() {
  for (auto& [name, o] : origins_) {
    for (auto& c : o.idle) c->close();
  }
}

asio::awaitable<ClientResult<std::shared_ptr<ClientConnection>>> ConnectionPool::acquire(
    const std::string& origin, Clock::time_point deadline, bool reuse_idle) {
  Origin& o = origins_[origin];  // node-based map: the reference survives rehashing
  for (;;) {
    if (auto c = reuse_idle ? take_idle(o) : nullptr) co_return c;
    if (!o.idle.empty() && o.in_use + o.idle.size() >= options_.max_per_origin) {
      o.idle.front()->close();  // the oldest idle one makes room for the new connection
      o.idle.erase(o.idle.begin());
    }
    if (o.in_use + o.idle.size() < options_.max_per_origin) {
      ++o.in_use;
      co_return std::shared_ptr<ClientConnection>();
    }
    if (Clock::now() >= deadline) {
      co_return ClientError{ClientErrc::kTimeout, TimeoutPhase::kConnect,
                            "no free connection to " + origin + " in time", false, false};
    }
    asio::steady_timer wait(executor_, deadline);
    o.waiters.push_back(&wait);
    std::error_code ec;
    co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto it = std::find(o.waiters.begin(), o.waiters.end(), &wait);
    if (it != o.waiters.end()) o.waiters.erase(it);  // timed out rather than woken
  }
}

std::shared_ptr<ClientConnection> ConnectionPool::take_idle(const std::string& origin) {
  auto it = origins_.find(origin);
  return it == origins_.end() ? nullptr : take_idle(it->second);
}

std::shared_ptr<ClientConnection> ConnectionPool::take_idle(Origin& o) {
  while (!o.idle.empty()) {
    std::shared_ptr<ClientConnection> c = std::move(o.idle.back());
    o.idle.pop_back();
    const bool check = coarse_steady_now() - c->idle_since >= options_.check_after_idle;
    if (check ? c->reusable() : c->alive()) {
      ++o.in_use;
      return c;
    }
    c->close();  // closed by the peer or by its idle timeout
  }
  return nullptr;
}

void ConnectionPool::release(std::shared_ptr<ClientConnection> connection) {
  Origin& o = origins_[connection->origin()];
  if (o.in_use > 0) --o.in_use;
  // alive(), not reusable(): the exchange just ended cleanly, the peek would only repeat it.
  if (connection->alive() && o.idle.size() < options_.max_idle_per_origin) {
    connection->idle_since = coarse_steady_now();
    connection->set_deadline(connection->idle_since + options_.idle_timeout, TimeoutPhase::kNone);
    o.idle.push_back(std::move(connection));
  } else {
    connection->close();
  }
  wake_one(o);
}

void ConnectionPool::discard(const std::shared_ptr<ClientConnection>& connection) {
  connection->close();
  discard_slot(connection->origin());
}

void ConnectionPool::discard_slot(const std::string& origin) {
  Origin& o = origins_[origin];
  if (o.in_use > 0) --o.in_use;
  wake_one(o);
}

void ConnectionPool::wake_one(Origin& o) {
  if (o.waiters.empty()) return;
  asio::steady_timer* w = o.waiters.front();
  o.waiters.pop_front();
  w->cancel();
}

size_t ConnectionPool::idle_count(const std::string& origin) const {
  auto it = origins_.find(origin);
  if (it == origins_.end()) return 0;
  return static_cast<size_t>(std::count_if(it->second.idle.begin(), it->second.idle.end(),
                                           [](const auto& c) { return c->is_open(); }));
}

size_t ConnectionPool::in_use_count(const std::string& origin) const {
  auto it = origins_.find(origin);
  return it == origins_.end() ? 0 : it->second.in_use;
}

}  // namespace sparouter::http
