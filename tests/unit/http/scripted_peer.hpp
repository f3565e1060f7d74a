// A loopback peer that answers requests from a script, one step per request head it reads,
// keeping the connection open between steps unless a step says to close it: for keep-alive
// cases a whole-response server cannot stage (a close right after a request, a head cut short).
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "unit/http/http_test_util.hpp"

namespace sparouter::http::testing {

class ScriptedPeer {
 public:
  struct Step {
    std::string reply;  // sent as is; empty: nothing
    bool close_after;   // then the connection is closed
  };

  explicit ScriptedPeer(std::vector<Step> script) : script_(std::move(script)) {
    fd_ = listen_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedPeer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }  // request heads read, over all connections
  std::string last_request() const {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  void serve() {
    size_t step = 0;
    while (!stop_ && step < script_.size()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::string in;
      while (!stop_ && step < script_.size()) {
        if (!read_request(c, in)) break;
        ++requests_;
        const Step& s = script_[step++];
        if (!s.reply.empty()) ::send(c, s.reply.data(), s.reply.size(), MSG_NOSIGNAL);
        if (s.close_after) break;
      }
      ::close(c);
    }
  }

  // One request (head and Content-Length body) off `in` plus what arrives; false at close.
  bool read_request(int c, std::string& in) {
    for (;;) {
      const size_t end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t body = 0;
        const size_t cl = in.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body = std::stoul(in.substr(cl + 16));
        if (in.size() >= end + 4 + body) {
          std::lock_guard lock(mu_);
          last_ = in.substr(0, end + 4 + body);
          in.erase(0, end + 4 + body);
          return true;
        }
      }
      pollfd q{c, POLLIN, 0};
      if (stop_) return false;
      if (::poll(&q, 1, 20) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      in.append(buf, static_cast<size_t>(n));
    }
  }

  std::vector<Step> script_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::string last_;
  std::thread thread_;
};

}  // namespace sparouter::http::testing
