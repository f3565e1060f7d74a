#include "classify/literal_scan.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#if defined(__x86_64__) && defined(__GNUC__)
#define SR_TRIPLE_AVX2 1
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sparouter::classify {
namespace {

using HitFn = void (*)(void*, uint32_t, size_t);

// The exact comparison of a candidate: bit 5 also pairs non-letters.
inline void confirm(const TripleLiteral& t, const unsigned char* p, size_t start, HitFn hit,
                    void* context) {
  if (kAsciiFold.map[p[start]] == t.bytes[0] && kAsciiFold.map[p[start + 1]] == t.bytes[1] &&
      kAsciiFold.map[p[start + 2]] == t.bytes[2]) {
    hit(context, t.index, start);
  }
}

#ifdef SR_TRIPLE_AVX2
// The starts [0, returned) of p, 32 at a time; the caller does the rest.
__attribute__((target("avx2"))) size_t scan_avx2(const std::vector<TripleLiteral>& triples,
                                                 const unsigned char* p, size_t n, HitFn hit,
                                                 void* context) {
  const __m256i bit5 = _mm256_set1_epi8(0x20);
  size_t base = 0;
  for (; base + 34 <= n; base += 32) {
    // (No lambda: it would not inherit the target.)
    const auto* at = reinterpret_cast<const __m256i*>(p + base);
    const __m256i b0 = _mm256_or_si256(_mm256_loadu_si256(at), bit5);
    const __m256i b1 =
        _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + base + 1)), bit5);
    const __m256i b2 =
        _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + base + 2)), bit5);
    for (const TripleLiteral& t : triples) {
      const auto* want = reinterpret_cast<const __m256i*>(t.want);
      const __m256i eq =
          _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(b0, _mm256_load_si256(want)),
                                            _mm256_cmpeq_epi8(b1, _mm256_load_si256(want + 1))),
                           _mm256_cmpeq_epi8(b2, _mm256_load_si256(want + 2)));
      for (auto m = static_cast<uint32_t>(_mm256_movemask_epi8(eq)); m != 0; m &= m - 1) {
        confirm(t, p, base + static_cast<size_t>(__builtin_ctz(m)), hit, context);
      }
    }
  }
  return base;
}

#endif

}  // namespace

void TripleScanner::add(std::string_view folded, uint32_t index) {
  TripleLiteral t{};
  for (size_t k = 0; k < 3; ++k) {
    t.bytes[k] = static_cast<uint8_t>(folded[k]);
    std::memset(t.want[k], t.bytes[k] | 0x20, sizeof t.want[k]);
  }
  t.index = index;
  triples_.push_back(t);
}

void TripleScanner::scan(std::string_view text, HitFn hit, void* context) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t base = 0;  // the starts before it are done
#ifdef SR_TRIPLE_AVX2
  if (PrefixFilter::available()) base = scan_avx2(triples_, p, n, hit, context);  // AVX2
#endif
#ifdef __SSE2__
  constexpr size_t kStep = 16;  // starts per block; a block reads kStep + 2 bytes
  // The candidates among the starts first + bit for the bits in `keep`; `at` holds their bytes.
  auto block = [&](const unsigned char* at, size_t first, unsigned keep) {
    const __m128i bit5 = _mm_set1_epi8(0x20);
    const auto load = [&](size_t k) {
      return _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at + k)), bit5);
    };
    const __m128i b0 = load(0), b1 = load(1), b2 = load(2);
    for (const TripleLiteral& t : triples_) {
      const auto want = [&](size_t k) {  // the first 16 of the 32 bytes
        return _mm_load_si128(reinterpret_cast<const __m128i*>(t.want[k]));
      };
      const __m128i eq =
          _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(b0, want(0)), _mm_cmpeq_epi8(b1, want(1))),
                        _mm_cmpeq_epi8(b2, want(2)));
      for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(eq)) & keep; m != 0; m &= m - 1) {
        confirm(t, p, first + static_cast<size_t>(__builtin_ctz(m)), hit, context);
      }
    }
  };
  for (; base + kStep + 2 <= n; base += kStep) block(p + base, base, 0xFFFFu);
  if (base + 2 >= n) return;  // every start done
  if (n >= kStep + 2) {
    // The last kStep starts again, minus those done.
    const size_t last = n - kStep - 2;
    block(p + last, last, 0xFFFFu & ~((1u << (base - last)) - 1));
  } else {
    unsigned char padded[kStep + 2] = {};
    std::memcpy(padded, p, n);
    block(padded, 0, (1u << (n - 2)) - 1);
  }
#else
  for (size_t start = base; start + 3 <= n; ++start) {
    for (const TripleLiteral& t : triples_) confirm(t, p, start, hit, context);
  }
#endif
}

LiteralScanner::LiteralScanner(const std::vector<std::string>& literals) {
  literals_.reserve(literals.size());
  size_t shortest = SIZE_MAX;
  size_t shortest_long = SIZE_MAX;
  for (const std::string& literal : literals) {
    std::string folded = literal;
    for (char& c : folded) c = static_cast<char>(kAsciiFold.map[static_cast<unsigned char>(c)]);
    shortest = std::min(shortest, folded.size());
    if (folded.size() >= kMinWindow) shortest_long = std::min(shortest_long, folded.size());
    literals_.push_back(std::move(folded));
  }
  if (literals_.empty() || shortest < kMinLength) return;  // unusable: finds nothing
  for (size_t i = 0; i < literals_.size(); ++i) {
    if (literals_[i].size() < kMinWindow) triples_.add(literals_[i], static_cast<uint32_t>(i));
  }
  if (triples_.size() > kMaxTriples) return;
  usable_ = true;
  if (shortest_long == SIZE_MAX) return;  // no Wu-Manber: m_ stays 0
  m_ = shortest_long;
  // A window whose last two bytes end at offset j of some literal's m-prefix may be the end of
  // that prefix after m-1-j more bytes: the jump is the least such distance.
  std::unordered_map<std::string, size_t> group_of;
  shift_.fill(static_cast<uint8_t>(std::min<size_t>(m_ - 1, 255)));
  for (size_t i = 0; i < literals_.size(); ++i) {
    if (literals_[i].size() < kMinWindow) continue;
    const auto* s = reinterpret_cast<const unsigned char*>(literals_[i].data());
    for (size_t j = 1; j < m_; ++j) {
      uint8_t& jump = shift_[block_hash(s[j - 1], s[j])];
      jump = static_cast<uint8_t>(std::min<size_t>(jump, m_ - 1 - j));
    }
    const uint32_t hash = block_hash(s[m_ - 2], s[m_ - 1]);
    const std::string prefix = literals_[i].substr(0, m_);
    auto [at, added] = group_of.try_emplace(prefix, groups_.size());
    if (added) groups_.push_back(Group{hash, prefix, {}});
    groups_[at->second].literals.push_back(static_cast<uint32_t>(i));
  }
  std::stable_sort(groups_.begin(), groups_.end(),
                   [](const Group& a, const Group& b) { return a.hash < b.hash; });
  plan_prefix_filter();
}

void LiteralScanner::plan_prefix_filter() {
  if (!PrefixFilter::available()) return;
  // Groups by their first PrefixFilter::kWidth bytes; alike ones share a bucket, and more
  // distinct ones than kMaxFilteredPrefixes would let too many positions through.
  std::vector<std::pair<std::string, uint32_t>> keyed;
  for (size_t g = 0; g < groups_.size(); ++g) {
    keyed.emplace_back(groups_[g].prefix.substr(0, PrefixFilter::kWidth), static_cast<uint32_t>(g));
  }
  std::sort(keyed.begin(), keyed.end());
  size_t distinct = 0;
  for (size_t i = 0; i < keyed.size(); ++i) distinct += i == 0 || keyed[i].first != keyed[i - 1].first;
  if (distinct > kMaxFilteredPrefixes) return;
  size_t rank = 0;
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i > 0 && keyed[i].first != keyed[i - 1].first) ++rank;
    const auto bucket = static_cast<unsigned>(rank * PrefixFilter::kBuckets / distinct);
    prefixes_.add(keyed[i].first, bucket);
    bucket_groups_[bucket].push_back(keyed[i].second);
  }
  use_prefix_filter_ = true;
}

}  // namespace sparouter::classify
