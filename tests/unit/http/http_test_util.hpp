// Helpers for the http tests: temp dirs, a blocking raw TCP client on loopback, shell commands
// (curl, openssl) with a hard time limit, and a throwaway PKI made with the openssl CLI.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <atomic>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

namespace sparouter::http::testing {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sr_http_XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

inline void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CmdResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command under `timeout`, so a hung peer cannot hang the test.
inline CmdResult run(const std::string& cmd, int seconds = 20) {
  CmdResult r;
  std::string full = "timeout " + std::to_string(seconds) + " " + cmd;
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A blocking loopback client with bounded waits.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until `done(received)` or EOF or the time runs out; returns everything read.
  template <class Done>
  std::string recv_until(Done done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(in_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      in_.append(buf, static_cast<size_t>(n));
    }
    return in_;
  }
  // Reads until `count` occurrences of `needle`.
  std::string recv_count(std::string_view needle, size_t count,
                         std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    return recv_until([&](const std::string& s) { return occurrences(s, needle) >= count; },
                      limit);
  }
  // True when the peer closes (EOF or reset) within the limit.
  bool wait_closed(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    recv_until([](const std::string&) { return false; }, limit);
    return eof_;
  }
  // Close with a reset (SO_LINGER 0), as a crashed client would.
  void reset() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string& received() { return in_; }

  static size_t occurrences(std::string_view s, std::string_view needle) {
    size_t n = 0;
    for (size_t pos = s.find(needle); pos != std::string_view::npos;
         pos = s.find(needle, pos + needle.size())) {
      ++n;
    }
    return n;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string in_;
};

// A CA and leaf certificates made by the openssl CLI: ca.crt/ca.key (the trusted CA),
// other_ca.crt (an unrelated CA), localhost.crt/key (SAN localhost) and wrong.crt/key (SAN
// wrong.example, signed by the trusted CA).
struct TestPki {
  TempDir dir;
  bool ok = false;
  std::string ca() const { return dir.file("ca.crt"); }
  std::string other_ca() const { return dir.file("other_ca.crt"); }
  std::string cert(const std::string& name) const { return dir.file(name + ".crt"); }
  std::string key(const std::string& name) const { return dir.file(name + ".key"); }

  TestPki() {
    const std::string d = dir.path;
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    auto make_ca = [&](const std::string& name) {
      return run("openssl req -x509 " + ec + " -keyout " + d + "/" + name + ".key -out " + d +
                 "/" + name + ".crt -days 2 -subj /CN=" + name +
                 " -addext basicConstraints=critical,CA:TRUE"
                 " -addext keyUsage=critical,keyCertSign,cRLSign 2>&1")
                 .exit_code == 0;
    };
    auto make_leaf = [&](const std::string& name, const std::string& dns) {
      write_file(d + "/" + name + ".ext", "subjectAltName=DNS:" + dns +
                                              "\nbasicConstraints=CA:FALSE\n"
                                              "extendedKeyUsage=serverAuth\n");
      return run("openssl req " + ec + " -keyout " + d + "/" + name + ".key -out " + d + "/" +
                 name + ".csr -subj /CN=" + dns + " 2>&1")
                     .exit_code == 0 &&
             run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.crt -CAkey " +
                 d + "/ca.key -CAcreateserial -days 2 -out " + d + "/" + name + ".crt -extfile " +
                 d + "/" + name + ".ext 2>&1")
                     .exit_code == 0;
    };
    ok = make_ca("ca") && make_ca("other_ca") && make_leaf("localhost", "localhost") &&
         make_leaf("wrong", "wrong.example");
  }
};

}  // namespace sparouter::http::testing

namespace sparouter::http::testing {

// A child process (openssl s_server) with its output on a pipe; killed and reaped on exit.
class Process {
 public:
  explicit Process(std::vector<std::string> argv, std::vector<std::string> env = {}) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      for (auto& e : env) putenv(e.data());
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  bool signal(int sig) { return pid_ > 0 && kill(pid_, sig) == 0; }
  // The exit status, or -1 when the process did not exit normally in time (it is then killed).
  int wait_exit(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status;
      waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) close(out_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads output until a line starting with `prefix`; returns that line ("" on timeout).
  std::string wait_line(std::string_view prefix,
                        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      size_t start = 0;
      for (size_t nl = buf_.find('\n'); nl != std::string::npos; nl = buf_.find('\n', start)) {
        std::string line = buf_.substr(start, nl - start);
        start = nl + 1;
        if (line.rfind(prefix, 0) == 0) {
          buf_.erase(0, start);
          return line;
        }
      }
      buf_.erase(0, start);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char tmp[4096];
      const ssize_t n = ::read(out_, tmp, sizeof tmp);
      if (n <= 0) return {};
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_;
};

// `openssl s_server` (TLS 1.2) on a loopback port from the OS, answering with -www (an HTTP/1.0
// close-delimited status page).
class OpensslServer {
 public:
  OpensslServer(const std::string& cert, const std::string& key)
      : process_({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key,
                  "-tls1_2", "-www", "-naccept", "20"}) {
    const std::string line = process_.wait_line("ACCEPT");
    const size_t colon = line.rfind(':');
    if (colon != std::string::npos) port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  }
  uint16_t port() const { return port_; }

 private:
  Process process_;
  uint16_t port_ = 0;
};

// A listening TCP socket on 127.0.0.1 with a port from the OS (written to `port`).
inline int listen_loopback(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(fd, 16);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

// A loopback TCP peer for misbehaving-server cases: for each accepted connection it reads the
// request head, then writes `reply` (unless empty) and closes (unless `hold`).
class CannedServer {
 public:
  CannedServer(std::string reply, bool hold = false) : reply_(std::move(reply)), hold_(hold) {
    fd_ = listen_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() {
    stop_ = true;
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::string in;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (in.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline &&
             !stop_) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 20) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
      if (!reply_.empty()) ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      if (hold_) {
        held_.push_back(c);
      } else {
        ::close(c);
      }
    }
  }
  std::string reply_;
  bool hold_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> held_;
  std::thread thread_;
};

}  // namespace sparouter::http::testing
