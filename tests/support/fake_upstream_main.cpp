// sparouter-fake-upstream: the fake provider as a process, for integration and browser tests.
//   sparouter-fake-upstream [--host 127.0.0.1] [--port 0] [--port-file F] [--name NAME]
//                           [--models m1,m2] [--chunk-delay-ms N] [--api-key K]
// Prints "listening on http://127.0.0.1:<port>" and exits 0 on SIGTERM or SIGINT.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "support/fake_upstream.hpp"

namespace {
int usage() {
  std::fprintf(
      stderr,
      "usage: sparouter-fake-upstream [--host H] [--port P] [--port-file F] [--name N]\n"
      "                               [--models m1,m2] [--chunk-delay-ms N] [--api-key K]\n");
  return 2;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string part =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  sparouter::testing::FakeUpstreamOptions options;
  std::string port_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage(), 0;
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      options.port = static_cast<uint16_t>(std::atoi(value.c_str()));
    } else if (arg == "--port-file") {
      port_file = value;
    } else if (arg == "--name") {
      options.name = value;
    } else if (arg == "--models") {
      options.models = split(value);
    } else if (arg == "--chunk-delay-ms") {
      options.chunk_delay_ms = std::atoi(value.c_str());
    } else if (arg == "--api-key") {
      options.api_key = value;
    } else {
      return usage();
    }
  }
  // Block the signals before any thread starts, so that only sigwait() below sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  sparouter::testing::FakeUpstream upstream(options);
  std::string error;
  if (!upstream.start(&error)) {
    std::fprintf(stderr, "sparouter-fake-upstream: cannot listen: %s\n", error.c_str());
    return 1;
  }
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << upstream.port() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());  // readers never see a half-written file
  }
  std::printf("listening on http://%s:%u\n", options.host.c_str(), upstream.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  upstream.stop();
  return 0;
}
