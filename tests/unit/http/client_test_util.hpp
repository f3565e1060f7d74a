// Runs client coroutines to completion on a test-owned io_context, with a hard time limit.
#pragma once

#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

namespace sparouter::http::testing {

template <class T>
T run_co(asio::io_context& ctx, asio::awaitable<T> work,
         std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  // use_future needs a default-constructible value: carry it in an optional.
  auto wrap = [](asio::awaitable<T> w) -> asio::awaitable<std::optional<T>> {
    co_return std::optional<T>(co_await std::move(w));
  };
  auto fut = asio::co_spawn(ctx, wrap(std::move(work)), asio::use_future);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("run_co: timed out");
    ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(20));
  }
  return std::move(*fut.get());
}

}  // namespace sparouter::http::testing
