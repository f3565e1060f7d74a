// The recycled per-request state: reused on the thread, emptied of what it pinned.
#include "runtime/chat_state.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sparouter::runtime {
namespace {

TEST(ChatStateLease, ReusesStatesWithTheirCapacity) {
  const ChatState* first = nullptr;
  {
    ChatStateLease lease;
    first = &*lease;
    lease->decision.candidates.resize(5);
    lease->decision.group = "a group name longer than the small-string buffer";
  }
  ChatStateLease again;
  EXPECT_EQ(&*again, first);  // the spare came back
  EXPECT_GE(again->decision.candidates.capacity(), 5u);
  ChatStateLease other;  // the first is in use: another one
  EXPECT_NE(&*other, first);
}

TEST(ChatStateLease, LetsGoOfTheSnapshotTheClientAndTheKeys) {
  auto snapshot_owner = std::make_shared<int>(1);
  auto keys = std::make_shared<Credentials>();
  keys->set("p", crypto::SecretString("sk-secret"));
  const std::weak_ptr<int> snapshot_alive = snapshot_owner;
  const std::weak_ptr<const Credentials> keys_alive = keys;
  {
    ChatStateLease lease;
    // Shares ownership with snapshot_owner (the aliasing constructor): stands for a snapshot.
    lease->decision.snapshot = std::shared_ptr<const Snapshot>(snapshot_owner, nullptr);
    lease->target.credentials = keys;
    lease->target.litellm = true;
    lease->error = ApiError{400, ErrorType::kInvalidRequest, "m", "", "c"};
    lease->decision.judge_body.assign(1 << 20, 'x');  // a large judge prompt
    lease->one.resize(1);
  }
  snapshot_owner.reset();
  keys.reset();
  EXPECT_TRUE(snapshot_alive.expired());
  EXPECT_TRUE(keys_alive.expired());
  ChatStateLease again;
  EXPECT_FALSE(again->target.litellm);
  EXPECT_FALSE(again->error.has_value());
  EXPECT_TRUE(again->one.empty());
  EXPECT_LE(again->decision.judge_body.capacity(), 64u * 1024);
}

TEST(ChatStateLease, MayEndOnAnotherThread) {
  auto lease = std::make_unique<ChatStateLease>();
  (*lease)->decision.group = "g";
  std::thread([&lease] { lease.reset(); }).join();  // goes to that thread's spares, then freed
  ChatStateLease here;
  EXPECT_TRUE(here->decision.snapshot == nullptr);
}

}  // namespace
}  // namespace sparouter::runtime
