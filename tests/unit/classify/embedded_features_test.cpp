#include "classify/embedded_features.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "classify/embedded_simd.hpp"
#include "classify/embedded_table.hpp"

namespace sparouter::classify {
namespace {

using Features = std::vector<std::pair<uint32_t, FeatureFamily>>;

Features features(std::string_view text, const FeatureSpec& spec = {}) {
  Features out;
  walk_features(text, spec, [&out](uint32_t key, FeatureFamily f) { out.emplace_back(key, f); });
  std::sort(out.begin(), out.end());
  return out;
}

size_t count(const Features& f, FeatureFamily family) {
  return static_cast<size_t>(
      std::count_if(f.begin(), f.end(), [&](const auto& p) { return p.second == family; }));
}

TEST(EmbeddedFeatures, EmptyAndSeparatorOnlyTextsHaveNone) {
  EXPECT_TRUE(features("").empty());
  EXPECT_TRUE(features("  ?! \t\n ... ").empty());
}

TEST(EmbeddedFeatures, LowerCasesAsciiAndFoldsDigits) {
  EXPECT_EQ(features("Send 250 EUR to Bob"), features("send 999 eur to bob"));
  EXPECT_NE(features("send eur"), features("send usd"));
}

TEST(EmbeddedFeatures, PunctuationSeparatesWordsAndApostrophesJoinThem) {
  EXPECT_EQ(features("card, arrived?"), features("card arrived"));
  EXPECT_EQ(features("don't"), features("dont"));
  EXPECT_EQ(features("don\xE2\x80\x99t"), features("dont"));  // typographic apostrophe
  EXPECT_EQ(features("\xE2\x80\x9C"
                     "card\xE2\x80\x9D"),
            features("card"));  // curly quotes
}

TEST(EmbeddedFeatures, CountsWordAndCharGrams) {
  FeatureSpec spec;  // words 1-2, chars 3-5
  const Features f = features("ab cd", spec);
  // words: "ab", "cd", "ab cd"; chars per padded word " ab " (4 bytes): 2 trigrams + 1 4-gram.
  EXPECT_EQ(count(f, FeatureFamily::kWord), 3u);
  EXPECT_EQ(count(f, FeatureFamily::kChar), 6u);
  spec.word_ngram_max = 0;
  EXPECT_EQ(count(features("ab cd", spec), FeatureFamily::kWord), 0u);
  spec.char_ngram_max = 0;
  EXPECT_TRUE(features("ab cd", spec).empty());
}

TEST(EmbeddedFeatures, EachCjkCharacterIsAWord) {
  FeatureSpec spec;
  spec.char_ngram_max = 0;
  // Three ideographs: 3 unigrams + 2 bigrams; the full stop separates.
  EXPECT_EQ(features("\xE6\x88\x91\xE7\x9A\x84\xE5\x8D\xA1\xE3\x80\x82", spec).size(), 5u);
  EXPECT_EQ(features("\xE6\x88\x91\xE7\x9A\x84\xE5\x8D\xA1", spec),
            features("\xE6\x88\x91 \xE7\x9A\x84 \xE5\x8D\xA1", spec));
}

TEST(EmbeddedFeatures, KeepsOtherNonAsciiBytesInWords) {
  EXPECT_NE(features("caf\xC3\xA9"), features("caf"));
  EXPECT_EQ(count(features("\xD0\xBA\xD0\xB0\xD1\x80\xD1\x82\xD0\xB0"), FeatureFamily::kWord), 1u);
}

TEST(EmbeddedFeatures, MalformedUtf8IsJustBytes) {
  const std::string bad[] = {"\xFF\xFE",
                             "\xE6\x88",
                             "\xC0\xAF",
                             "\xED\xA0\x80",
                             "\xF4\x90\x80\x80",
                             std::string("a\0b", 3),
                             "\x80\x80\x80 abc \xE6"};
  for (const std::string& s : bad) {
    const Features f = features(s);
    EXPECT_FALSE(f.empty()) << "bytes are kept as word bytes";
  }
}

TEST(EmbeddedFeatures, IsDeterministic) {
  const std::string text = "How do I top up my card with Apple Pay?";
  EXPECT_EQ(features(text), features(text));
}

// A run-aware sink that skips the runs `skip` says to, and records what it was asked.
struct RunSink {
  Features out;
  std::vector<std::pair<uint64_t, bool>> runs;
  bool skip_held = false;
  void operator()(uint32_t key, FeatureFamily f) { out.emplace_back(key, f); }
  bool char_run_begin(uint64_t hash, bool held) {
    runs.emplace_back(hash, held);
    return !(held && skip_held);
  }
};

TEST(EmbeddedFeatures, RunSinkSeesEachRunAndMaySkipIt) {
  const std::string long_word(100, 'x');  // longer than kMaxHeldRun: streams
  const std::string text = "card card top-up " + long_word;
  RunSink all;
  walk_features(text, FeatureSpec{}, all);
  std::sort(all.out.begin(), all.out.end());
  EXPECT_EQ(all.out, features(text));   // same features as a plain sink
  ASSERT_EQ(all.runs.size(), 5u);       // card, card, top, up, x...x
  EXPECT_EQ(all.runs[0], all.runs[1]);  // same word, same hash
  EXPECT_NE(all.runs[0].first, all.runs[2].first);
  EXPECT_TRUE(all.runs[3].second);
  EXPECT_FALSE(all.runs[4].second);
  RunSink skip;
  skip.skip_held = true;
  walk_features(text, FeatureSpec{}, skip);
  // Only the long run's char n-grams are left: 3 orders over its 102 padded bytes.
  EXPECT_EQ(count(skip.out, FeatureFamily::kChar), 100u + 99u + 98u);
  EXPECT_EQ(count(skip.out, FeatureFamily::kWord), count(all.out, FeatureFamily::kWord));
}

struct BytewiseRunSink : RunSink {
  static constexpr bool kBytewise = true;
};

// Takes a held run's char keys in one call, as prediction does.
struct BulkRunSink : RunSink {
  size_t bulk_calls = 0;
  void char_keys(const uint32_t* keys, size_t n) {
    ++bulk_calls;
    for (size_t i = 0; i < n; ++i) out.emplace_back(keys[i], FeatureFamily::kChar);
  }
};

TEST(EmbeddedFeatures, WordSpanPathMatchesTheBytePath) {
  // Random texts over bytes that stress the span path's edges: apostrophes, runs past
  // kMaxHeldRun, CJK next to Latin, malformed UTF-8, typographic apostrophes.
  const std::vector<std::string> pieces = {"a", "Card", "0", "9x", "'", " ", "  ", "-", "\xe4\xb8\xad",
                                           "\xe2\x80\x99", "\xc3\xa9", "\xff", "\n",
                                           std::string(70, 'q'), std::string(63, 'w'), "don't",
                                           "Abcdefgh", "x1y2Z3w4v5u6", "Seventeen letters",
                                           std::string(15, 'k'), std::string(33, 'M'),
                                           // the held run's length limit, words joined across
                                           // apostrophes, bytes next to the letter and digit
                                           // ranges
                                           std::string(64, 'z'), std::string(65, 'Y'), "it's",
                                           "rock'n'roll", "''", "O'", "'t", "12'34", "\t",
                                           "Zz09", "@[`{/:"};
  std::mt19937 rng(42);
  size_t bulk_calls = 0;
  const auto is_ascii = [](const std::string& piece) {
    return std::all_of(piece.begin(), piece.end(), [](char c) { return (c & 0x80) == 0; });
  };
  for (int round = 0; round < 4000; ++round) {
    // Every other text is ASCII only, where the span path takes whole words.
    const bool ascii_only = round % 2 == 1;
    std::string text;
    const int parts = static_cast<int>(rng() % 24);
    for (int k = 0; k < parts;) {
      const std::string& piece = pieces[rng() % pieces.size()];
      if (ascii_only && !is_ascii(piece)) continue;
      text += piece;
      ++k;
    }
    for (const bool skip : {false, true}) {
      RunSink fast;
      BulkRunSink bulk;
      BytewiseRunSink slow;
      fast.skip_held = bulk.skip_held = slow.skip_held = skip;
      walk_features(text, FeatureSpec{}, fast);
      walk_features(text, FeatureSpec{}, bulk);
      walk_features(text, FeatureSpec{}, slow);
      ASSERT_EQ(fast.out, slow.out) << text;
      ASSERT_EQ(fast.runs, slow.runs) << text;
      ASSERT_EQ(bulk.out, slow.out) << text;  // same keys, same order
      ASSERT_EQ(bulk.runs, slow.runs) << text;
      bulk_calls += bulk.bulk_calls;
    }
  }
  EXPECT_GT(bulk_calls, 1000u);  // the bulk path did run
}

// A sink that filters words: known(h) decides, the skipped keys are counted.
struct WordFilterTestSink {
  std::function<bool(uint64_t)> known;
  std::vector<uint32_t> word_keys;
  uint32_t skipped = 0;
  void operator()(uint32_t key, FeatureFamily f) {
    if (f == FeatureFamily::kWord) word_keys.push_back(key);
  }
  bool word_known(uint64_t h) { return known(h); }
  void words_unseen(uint32_t n) { skipped += n; }
};

TEST(EmbeddedFeatures, WordFilterSkipsOnlyKeysTrainingCannotHave) {
  // "Training": its words (as the walker hashes them) and its word keys, n-grams up to 3.
  FeatureSpec spec;
  spec.word_ngram_max = 3;
  const std::string training = "fix my function why does this program crash the build fails";
  std::set<uint64_t> words;
  WordFilterTestSink train{[&words](uint64_t h) { return words.insert(h), true; }};
  walk_features(training, spec, train);
  ASSERT_EQ(words.size(), 11u);
  const std::set<uint32_t> trained(train.word_keys.begin(), train.word_keys.end());

  const std::vector<std::string> pieces = {"fix", "my", "function", "the", "build", "crash",
                                           "garden", "soil", "why", "does", "this", "Program",
                                           "\xe4\xb8\xad", "don't", ", ", " ", "0"};
  std::mt19937 rng(7);
  size_t skipped_total = 0;
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng() % 30);
    for (int k = 0; k < parts; ++k) text += pieces[rng() % pieces.size()] + " ";
    WordFilterTestSink all{[](uint64_t) { return true; }};
    WordFilterTestSink filtered{[&words](uint64_t h) { return words.count(h) != 0; }};
    walk_features(text, spec, all);
    walk_features(text, spec, filtered);
    ASSERT_EQ(all.skipped, 0u);
    // Every key is either kept or counted, and no key training has is lost.
    EXPECT_EQ(filtered.word_keys.size() + filtered.skipped, all.word_keys.size()) << text;
    std::vector<uint32_t> expect_kept;
    for (uint32_t k : all.word_keys) {
      if (trained.count(k) != 0) expect_kept.push_back(k);
    }
    std::vector<uint32_t> kept_known;
    for (uint32_t k : filtered.word_keys) {
      if (trained.count(k) != 0) kept_known.push_back(k);
    }
    EXPECT_EQ(kept_known, expect_kept) << text;
    skipped_total += filtered.skipped;
  }
  EXPECT_GT(skipped_total, 1000u);  // the filter did skip
}

TEST(EmbeddedTable, WordFilterKeepsEveryWordAndRulesOutMostOthers) {
  std::vector<uint64_t> words;
  for (uint64_t i = 0; i < 500; ++i) words.push_back(features_detail::mix64(i));
  WordFilter filter;
  for (uint64_t i = 0; i < 100; ++i) EXPECT_TRUE(filter.may_contain(i));  // unbuilt: all maybe
  filter.build(words);
  for (const uint64_t w : words) EXPECT_TRUE(filter.may_contain(w));
  size_t maybe = 0;
  for (uint64_t i = 1000; i < 11000; ++i) maybe += filter.may_contain(features_detail::mix64(i));
  EXPECT_LT(maybe, 1000u);  // about 1 in 16 expected
  WordFilter empty;
  empty.build({});
  EXPECT_FALSE(empty.may_contain(words[0]));
}

TEST(EmbeddedTable, RunTableFindsEveryKeyAndMissesOthers) {
  std::vector<uint64_t> keys;
  for (uint64_t i = 0; i < 1000; ++i) keys.push_back(i * 0x9E3779B97F4A7C15ULL);
  RunTable table;
  table.build(keys);
  EXPECT_EQ(table.size(), keys.size());
  for (uint32_t row = 0; row < keys.size(); ++row) EXPECT_EQ(table.find(keys[row]), row);
  EXPECT_EQ(table.find(12345), RunTable::kNone);
  RunTable empty;
  EXPECT_EQ(empty.find(0), RunTable::kNone);
}

TEST(EmbeddedTable, FindsEveryKeyAndMissesOthers) {
  std::vector<uint32_t> keys;
  for (uint32_t i = 0; i < 1000; ++i) keys.push_back(i * 2654435761u);
  FeatureTable table;
  table.build(keys);
  EXPECT_EQ(table.size(), keys.size());
  for (uint32_t row = 0; row < keys.size(); ++row) EXPECT_EQ(table.find(keys[row]), row);
  EXPECT_EQ(table.find(12345), FeatureTable::kNone);
  FeatureTable empty;
  EXPECT_EQ(empty.find(0), FeatureTable::kNone);
}

TEST(EmbeddedTable, FilterKeepsEveryKeyAndRulesOutMostOthers) {
  std::mt19937 rng(7);
  std::vector<uint32_t> keys;
  for (int i = 0; i < 3000; ++i) keys.push_back(static_cast<uint32_t>(rng()));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  FeatureTable table;
  table.build(keys);
  for (const uint32_t k : keys) ASSERT_TRUE(table.may_contain(k)) << k;
  size_t maybe = 0;
  const int trials = 100000;
  for (int i = 0; i < trials; ++i) {
    const uint32_t k = static_cast<uint32_t>(rng());
    if (std::binary_search(keys.begin(), keys.end(), k)) continue;
    maybe += table.may_contain(k);
    EXPECT_EQ(table.may_contain(k), table.may_contain(k));
  }
  // 16 bits per key, rounded up to a power of two: at most about 1 in 16 gets through.
  EXPECT_LT(maybe, trials / 12);
  EXPECT_GT(maybe, 0u);  // and the filter is not a table of its own
  FeatureTable empty;
  EXPECT_FALSE(empty.may_contain(0));
  EXPECT_FALSE(empty.may_contain(0xFFFFFFFFu));
}

void expect_matches_portable(const simd::Kernels& fast) {
  const simd::Kernels& slow = simd::portable_kernels();
  std::vector<float> x(37);
  std::vector<int8_t> q(48);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) - 3.0f;
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  std::vector<float> a(48, 1.0f), b(48, 1.0f);
  fast.axpy(0.5f, x.data(), a.data(), x.size());
  slow.axpy(0.5f, x.data(), b.data(), x.size());
  fast.scale_axpy(0.25f, x.data(), 0.5f, a.data(), x.size());
  slow.scale_axpy(0.25f, x.data(), 0.5f, b.data(), x.size());
  const int8_t* rows[3] = {q.data(), q.data() + 16, q.data()};
  const float a1[3] = {0.125f, -1.0f, 2.0f};
  const float a2[3] = {-0.5f, 0.25f, 1.0f};
  fast.add_rows_i8(rows, a1, a2, 3, 16, 16, a.data());
  slow.add_rows_i8(rows, a1, a2, 3, 16, 16, b.data());
  fast.add_rows_i8(rows, a1, a2, 2, 32, 0, a.data());  // one part only
  slow.add_rows_i8(rows, a1, a2, 2, 32, 0, b.data());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]) << i;
  EXPECT_NEAR(fast.dot(x.data(), a.data(), x.size()), slow.dot(x.data(), b.data(), x.size()), 1e-3);
}

TEST(EmbeddedSimd, KernelsMatchPortableForms) {
  for (const simd::Kernels* k : simd::runnable_kernels()) {
    SCOPED_TRACE(k->name);
    expect_matches_portable(*k);
  }
  bool picked_is_runnable = false;
  for (const simd::Kernels* k : simd::runnable_kernels()) picked_is_runnable |= k == &simd::kernels();
  EXPECT_TRUE(picked_is_runnable);
}

TEST(EmbeddedSimd, RowKernelsAgreeBitForBitOnModelShapedRows) {
  // Prediction's shape: 16 linear and 128 hidden weights per row, many rows. Every runnable
  // form must give exactly the picked form's sums (scores must not depend on the kernel).
  std::mt19937 rng(7);
  const size_t n1 = 16, n2 = 128, count = 37;
  std::vector<int8_t> weights(count * (n1 + n2));
  for (auto& w : weights) w = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<const int8_t*> rows(count);
  std::vector<float> a1(count), a2(count);
  for (size_t r = 0; r < count; ++r) {
    rows[r] = weights.data() + r * (n1 + n2);
    a1[r] = static_cast<float>(rng() % 1000) / 997.0f - 0.5f;
    a2[r] = static_cast<float>(rng() % 1000) / 991.0f - 0.5f;
  }
  size_t fma_forms = 0;
  for (const simd::Kernels* k : simd::runnable_kernels()) fma_forms += k != &simd::portable_kernels();
  if (fma_forms < 2) GTEST_SKIP() << "one vector form on this CPU: nothing to compare it with";
  std::vector<float> want(n1 + n2, 0.25f);
  simd::kernels().add_rows_i8(rows.data(), a1.data(), a2.data(), count, n1, n2, want.data());
  for (const simd::Kernels* k : simd::runnable_kernels()) {
    if (k == &simd::portable_kernels()) continue;  // no FMA: rounds differently
    std::vector<float> got(n1 + n2, 0.25f);
    k->add_rows_i8(rows.data(), a1.data(), a2.data(), count, n1, n2, got.data());
    EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0) << k->name;
  }
}

}  // namespace
}  // namespace sparouter::classify
