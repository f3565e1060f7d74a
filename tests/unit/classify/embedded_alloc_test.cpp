// Proves that EmbeddedModel::predict does not allocate once its scratch is warm. This file
// replaces the global operator new/delete for the whole test binary: they forward to malloc/free
// (which sanitizers intercept as usual) and count calls on this thread only while a test asks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "classify/embedded.hpp"
#include "unit/classify/embedded_data_test_util.hpp"

namespace {

thread_local bool t_counting = false;
thread_local size_t t_allocations = 0;

void* counted_alloc(std::size_t n) noexcept {
  if (t_counting) ++t_allocations;
  return std::malloc(n == 0 ? 1 : n);
}

void* counted_aligned_alloc(std::size_t n, std::align_val_t align) noexcept {
  if (t_counting) ++t_allocations;
  void* p = nullptr;
  const std::size_t a = static_cast<std::size_t>(align) < sizeof(void*)
                            ? sizeof(void*)
                            : static_cast<std::size_t>(align);
  return posix_memalign(&p, a, n == 0 ? 1 : n) == 0 ? p : nullptr;
}

void* throwing(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// Counts operator new calls on this thread for the lifetime of the object.
class AllocationCounter {
 public:
  AllocationCounter() {
    t_allocations = 0;
    t_counting = true;
  }
  ~AllocationCounter() { t_counting = false; }
  size_t count() const { return t_allocations; }
};

}  // namespace

void* operator new(std::size_t n) { return throwing(counted_alloc(n)); }
void* operator new[](std::size_t n) { return throwing(counted_alloc(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  return throwing(counted_aligned_alloc(n, a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return throwing(counted_aligned_alloc(n, a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned_alloc(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned_alloc(n, a);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace sparouter::classify {
namespace {

std::shared_ptr<const EmbeddedModel> banking_model() {
  // One fold of banking77 (77 labels, ~34 examples each): the logistic + hidden-layer model.
  const auto rows = testdata::load_rows("banking77");
  const auto labels =
      testdata::group_rows(rows, [](const testdata::Row& r) { return r.fold == 2; });
  auto m = EmbeddedModel::train(labels);
  EXPECT_TRUE(m.ok());
  return m.ok() ? *m : nullptr;
}

std::vector<std::string> prompts() {
  std::vector<std::string> out = {"", "How do I top up my card?",
                                  "\xE6\x88\x91\xE7\x9A\x84\xE5\x8D\xA1",
                                  std::string("\xFF\x00\xE6", 3)};
  std::string kb;
  for (const auto& r : testdata::load_rows("banking77")) {
    if (kb.size() >= 1024) break;
    kb += r.text + " ";
  }
  kb.resize(1024);
  out.push_back(kb);
  std::string long_text;
  while (long_text.size() < 40000) long_text += kb;
  out.push_back(long_text);  // past max_text_bytes
  return out;
}

TEST(EmbeddedAlloc, ColdScratchAllocatesOnce) {
  auto m = banking_model();
  ASSERT_TRUE(m);
  std::vector<float> probs(m->label_count());
  EmbeddedScratch scratch;
  AllocationCounter counter;
  m->predict("How do I top up my card?", probs.data(), scratch);
  EXPECT_GT(counter.count(), 0u) << "the counter must see the scratch being sized";
}

TEST(EmbeddedAlloc, PredictDoesNotAllocateWhenWarm) {
  auto m = banking_model();
  ASSERT_TRUE(m);
  const std::vector<std::string> texts = prompts();
  std::vector<float> probs(m->label_count());
  EmbeddedScratch scratch;
  m->predict("warm up", probs.data(), scratch);
  size_t allocations = 0;
  {
    AllocationCounter counter;
    for (int round = 0; round < 50; ++round) {
      for (const std::string& t : texts) m->predict(t, probs.data(), scratch);
    }
    allocations = counter.count();
  }
  EXPECT_EQ(allocations, 0u);

  EmbeddedScratch reserved;  // reserve() warms a scratch without a prediction
  reserved.reserve(*m);
  {
    AllocationCounter counter;
    m->predict(texts[4], probs.data(), reserved);
    allocations = counter.count();
  }
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace sparouter::classify
