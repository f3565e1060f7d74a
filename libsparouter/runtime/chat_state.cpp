#include "runtime/chat_state.hpp"

namespace sparouter::runtime {

namespace {
// Spares kept per thread: about the requests in flight at once; beyond, states are freed.
constexpr size_t kMaxSpares = 256;
// A judge prompt can be large; a spare does not hold on to more than this.
constexpr size_t kMaxKeptBytes = 64 * 1024;
// An upstream with many rate-limit headers once: its answer's head is not kept.
constexpr size_t kMaxKeptHeaders = 32;

thread_local std::vector<std::unique_ptr<ChatState>> t_spares;

void empty_out(ChatState& s) {
  Decision& d = s.decision;
  d.snapshot.reset();  // an old configuration must not live on in a spare
  if (d.judge_body.capacity() > kMaxKeptBytes) std::string().swap(d.judge_body);
  s.target = ChatTarget{};  // the Client and the keys
  s.error.reset();
  s.one.clear();
  if (s.answer_headers.size() > kMaxKeptHeaders) http::Headers().swap(s.answer_headers);
  http::ClientRequest& up = s.upstream_request;
  up.splice = {};  // a view of the finished request's body
  if (up.body.capacity() > kMaxKeptBytes) std::string().swap(up.body);
  if (up.headers.size() > kMaxKeptHeaders) http::Headers().swap(up.headers);
}
}  // namespace

ChatStateLease::ChatStateLease() {
  if (t_spares.empty()) {
    state_ = std::make_unique<ChatState>();
  } else {
    state_ = std::move(t_spares.back());
    t_spares.pop_back();
  }
}

ChatStateLease::~ChatStateLease() {
  empty_out(*state_);
  if (t_spares.size() < kMaxSpares) t_spares.push_back(std::move(state_));
}

}  // namespace sparouter::runtime
