// A small server on sparouter's HTTP stack answering every request with one fixed body, for the
// load comparison against nginx (bench_http_vs_nginx.sh). It is also the reference host for
// graceful shutdown: SIGTERM or SIGINT -> Server::shutdown(deadline) -> exit 0.
//
//   http_fixed_server [--port N] [--threads N] [--model per-thread|shared] [--body FILE]
//                     [--body-bytes N] [--grace-ms N]
// Prints "LISTENING <port>" once it accepts connections.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "http/server.hpp"

namespace {

using sparouter::http::Headers;
using sparouter::http::Request;
using sparouter::http::ResponseWriter;

int usage() {
  std::fprintf(stderr,
               "usage: http_fixed_server [--port N] [--threads N] [--model per-thread|shared] "
               "[--body FILE] [--body-bytes N] [--grace-ms N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  sparouter::http::ServerOptions options;
  options.host = "127.0.0.1";
  std::string body(1024, 'x');
  long grace_ms = 5000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    if (arg == "--port") {
      options.port = static_cast<uint16_t>(std::atoi(value));
    } else if (arg == "--threads") {
      options.threads = static_cast<size_t>(std::atoi(value));
    } else if (arg == "--model") {
      if (std::strcmp(value, "shared") == 0) {
        options.thread_model = sparouter::http::ThreadModel::kSharedContext;
      } else if (std::strcmp(value, "per-thread") == 0) {
        options.thread_model = sparouter::http::ThreadModel::kContextPerThread;
      } else {
        return usage();
      }
    } else if (arg == "--body") {
      std::ifstream in(value, std::ios::binary);
      if (!in) return usage();
      std::stringstream ss;
      ss << in.rdbuf();
      body = ss.str();
    } else if (arg == "--body-bytes") {
      body.assign(static_cast<size_t>(std::atol(value)), 'x');
    } else if (arg == "--grace-ms") {
      grace_ms = std::atol(value);
    } else {
      return usage();
    }
  }

  // Block the signals before the server's threads exist, so only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const Headers headers{{"Content-Type", "text/plain"}};
  sparouter::http::Server server(
      options, [&body, &headers](Request&, ResponseWriter& writer) -> asio::awaitable<void> {
        co_await writer.send(200, headers, body);
      });
  if (auto status = server.start(); !status.ok()) {
    std::fprintf(stderr, "http_fixed_server: %s\n", status.error().message.c_str());
    return 1;
  }
  std::printf("LISTENING %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  const bool clean = server.shutdown(std::chrono::milliseconds(grace_ms));
  std::fprintf(stderr, "http_fixed_server: signal %d, shutdown %s\n", sig,
               clean ? "clean" : "forced after the deadline");
  return 0;
}
