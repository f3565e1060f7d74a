// One non-blocking write of what a socket takes now, as nginx does: a message that fits the
// send buffer (nearly every one) then costs one sendmsg and no suspension, completion handler or
// coroutine frame. Only the rest, if any, needs an asynchronous write.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>

namespace sparouter::http {

enum class WriteNow : uint8_t { kAll, kPartial, kFailed };

// The socket must be in non-blocking mode. The buffers are advanced past what went out; on
// kFailed `ec` says why (would-block is not a failure: kPartial).
template <size_t N>
WriteNow write_now(asio::ip::tcp::socket& socket, std::array<asio::const_buffer, N>& buffers,
                   std::error_code& ec) {
  size_t n = socket.write_some(buffers, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec.clear();
    n = 0;
  } else if (ec) {
    return WriteNow::kFailed;
  }
  for (auto& b : buffers) {
    const size_t k = std::min(n, b.size());
    b += k;
    n -= k;
  }
  return asio::buffer_size(buffers) == 0 ? WriteNow::kAll : WriteNow::kPartial;
}

}  // namespace sparouter::http
