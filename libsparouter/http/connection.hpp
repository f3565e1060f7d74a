// One server connection (plain or TLS): reads requests, runs the handler, writes responses.
// Internal to http/: the server hands it accepted sockets.
#pragma once

#include <atomic>
#include <memory>

#include <asio/ip/tcp.hpp>

#include "http/connection_registry.hpp"
#include "http/response_writer.hpp"
#include "http/server_options.hpp"
#include "http/tls_config.hpp"
#include "http/watch_sweep.hpp"

namespace sparouter::http {

// What every connection of one server shares.
struct ServerShared {
  ServerOptions options;
  Handler handler;
  std::shared_ptr<const TlsConfig> tls;  // null: plain
  ConnectionRegistry registry;
  std::atomic<bool> stopping{false};
};

// Starts serving an accepted socket on the socket's executor. `sweep` (null when the options'
// client_watch_delay is 0) runs on that executor's io_context and outlives the connection.
void start_connection(asio::ip::tcp::socket socket, ServerShared& shared, WatchSweep* sweep);

}  // namespace sparouter::http
