// What a chat request carries across its awaits, recycled per thread. g++ puts every local of a
// coroutine in its frame, and Asio recycles frames only under 1,020 bytes (larger ones take
// malloc's slow path on every request): kept here instead, the request's frame stays small, and
// the decision's vectors and strings keep their capacity from one request to the next.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"
#include "runtime/api_error.hpp"
#include "runtime/credentials.hpp"
#include "sparouter/router.hpp"

namespace sparouter::runtime {

// Where a checked and routed chat request goes: our deployments, or LiteLLM.
struct ChatTarget {
  std::shared_ptr<http::Client> client;
  CredentialsPtr credentials;
  bool litellm = false;
  std::string litellm_base_url;  // with /v1
  std::string_view master_key;
  int64_t timeout_ms = 0;  // the settings' timeout, for the LiteLLM candidate
};

struct ChatState {
  Decision decision;
  ChatTarget target;
  std::optional<ApiError> error;  // set when the request ends in our own error answer
  std::vector<Candidate> one;     // LiteLLM's single candidate
  http::Headers answer_headers;   // the answer's head, rebuilt in place (ForwardPlan)
  http::ClientRequest upstream_request;  // the request to the upstream, likewise
};

// Owns a ChatState taken from this thread's spares; hands it back on destruction (to the
// spares of whichever thread that is), emptied of anything that pins memory or objects.
class ChatStateLease {
 public:
  ChatStateLease();
  ~ChatStateLease();
  ChatStateLease(const ChatStateLease&) = delete;
  ChatStateLease& operator=(const ChatStateLease&) = delete;

  ChatState& operator*() const noexcept { return *state_; }
  ChatState* operator->() const noexcept { return state_.get(); }

 private:
  std::unique_ptr<ChatState> state_;
};

}  // namespace sparouter::runtime
