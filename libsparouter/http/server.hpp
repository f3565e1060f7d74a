// The HTTP/1.1 server: owns its io_contexts and threads, the acceptor and the live connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "http/response_writer.hpp"
#include "http/server_options.hpp"
#include "sparouter/result.hpp"

namespace sparouter::http {

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // shutdown(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. Errors: bad TLS files, address in use.
  Status start();
  // The bound port (useful with port 0); 0 before start().
  uint16_t port() const noexcept;
  size_t connection_count() const noexcept;
  // One executor per worker io_context (after start()): a handler runs on one of them (in the
  // shared model on a strand of the only one). Hosts make one Client per worker with these.
  std::vector<asio::any_io_executor> worker_executors() const;

  // Stops accepting, lets requests in flight finish (their responses say Connection: close),
  // closes idle connections at once, force-closes what is left when `grace` runs out, then
  // joins the threads. Blocks; call it from a thread that is not one of the server's.
  // Returns true when everything finished within `grace`.
  bool shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::http
