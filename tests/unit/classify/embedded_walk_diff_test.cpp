// Differential test of the feature walker: the library's block walker against the frozen
// byte-at-a-time walker (embedded_features_reference.hpp) on random and adversarial texts with
// fixed seeds. Every sink call must be the same, in the same order: trained models' keys, run
// hashes and the order in which prediction adds rows (float sums) all depend on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "classify/embedded_features.hpp"
#include "unit/classify/embedded_features_reference.hpp"

namespace sparouter::classify {
namespace {

// One sink call: what, and its arguments.
enum class Call : uint8_t { kKey, kRunBegin, kBulk, kWordKnown, kUnseen };
using Event = std::tuple<Call, uint64_t, uint64_t>;
using Log = std::vector<Event>;

// Answers are a fixed function of the hash, so that both walkers see the same ones and both
// answers occur.
struct Answers {
  uint64_t skip_run_mask = 0;      // char_run_begin(h, true) is false when (h & mask) == 0 ...
  bool skip_runs = false;          // ... if skip_runs
  uint64_t unknown_word_mask = 0;  // word_known(h) is false when (h & mask) == 0 ...
  bool filter_words = false;       // ... if filter_words
};

struct PlainSink {
  Log* log;
  void operator()(uint32_t key, FeatureFamily f) {
    log->emplace_back(Call::kKey, key, static_cast<uint64_t>(f));
  }
};

struct RunSink : PlainSink {
  Answers answers;
  bool char_run_begin(uint64_t hash, bool held) {
    log->emplace_back(Call::kRunBegin, hash, held);
    return !(held && answers.skip_runs && (hash & answers.skip_run_mask) == 0);
  }
};

struct FilterRunSink : RunSink {
  bool word_known(uint64_t hash) {
    log->emplace_back(Call::kWordKnown, hash, 0);
    return !(answers.filter_words && (hash & answers.unknown_word_mask) == 0);
  }
  void words_unseen(uint32_t n) { log->emplace_back(Call::kUnseen, n, 0); }
};

// Prediction's kind of sink: runs, bulk char keys, word filter.
struct BulkFilterRunSink : FilterRunSink {
  void char_keys(const uint32_t* keys, size_t n) {
    log->emplace_back(Call::kBulk, n, 0);
    for (size_t i = 0; i < n; ++i) {
      log->emplace_back(Call::kKey, keys[i], static_cast<uint64_t>(FeatureFamily::kChar));
    }
  }
};

template <class Sink>
Log walk_new(std::string_view text, const FeatureSpec& spec, const Answers& a) {
  Log log;
  Sink sink{};
  sink.log = &log;
  if constexpr (requires { sink.answers; }) sink.answers = a;
  walk_features(text, spec, sink);
  return log;
}

template <class Sink>
Log walk_reference(std::string_view text, const FeatureSpec& spec, const Answers& a) {
  Log log;
  Sink sink{};
  sink.log = &log;
  if constexpr (requires { sink.answers; }) sink.answers = a;
  reference::walk_features(text, spec, sink);
  return log;
}

std::string printable(std::string_view text) {
  std::string out;
  for (const unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char* const kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

const FeatureSpec kSpecs[] = {
    FeatureSpec{},         // the default: words 1-2, chars 3-5
    FeatureSpec{4, 1, 7},  // widest
    FeatureSpec{0, 3, 5},  // no word keys
    FeatureSpec{2, 3, 0},  // no char keys: the block walker's spans are off
    FeatureSpec{3, 2, 4},
};

// Compares the walkers on one text under every sink kind: with the default spec and sinks that
// skip nothing, then with the spec and answers `variant` picks (callers cycle through them). The
// text is copied into a buffer of its exact size, so that ASan reports any read past its end.
void expect_same_walk(const std::string& text, size_t variant) {
  const std::vector<char> exact(text.begin(), text.end());
  const std::string_view view(exact.data(), exact.size());
  Answers skipping;
  skipping.skip_runs = true;
  skipping.skip_run_mask = variant % 2 == 0 ? 1 : 3;
  skipping.filter_words = variant % 3 != 0;
  skipping.unknown_word_mask = 1;
  const std::pair<FeatureSpec, Answers> cases[] = {
      {FeatureSpec{}, Answers{}},
      {kSpecs[variant % std::size(kSpecs)], skipping},
  };
  for (const auto& [spec, a] : cases) {
    ASSERT_EQ(walk_new<BulkFilterRunSink>(view, spec, a),
              walk_reference<BulkFilterRunSink>(view, spec, a))
        << "bulk, filter: \"" << printable(text) << "\"";
    ASSERT_EQ(walk_new<FilterRunSink>(view, spec, a), walk_reference<FilterRunSink>(view, spec, a))
        << "filter: \"" << printable(text) << "\"";
    ASSERT_EQ(walk_new<RunSink>(view, spec, a), walk_reference<RunSink>(view, spec, a))
        << "runs: \"" << printable(text) << "\"";
    ASSERT_EQ(walk_new<PlainSink>(view, spec, a), walk_reference<PlainSink>(view, spec, a))
        << "plain: \"" << printable(text) << "\"";
  }
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Pieces that sit on the walker's edges: apostrophes at word edges, the held run's limit,
// separators of every kind, CJK next to Latin, malformed and truncated UTF-8.
std::vector<std::string> adversarial_pieces() {
  // clang-format off
  const char* const kPieces[] = {
      "a", "Z", "0", "9", "x1Y2", "don't", "'", "''", "'t", "O'", "rock'n'roll", "12'34", " ",
      "  ", "\t", "\n", "-", ",", ".", "@", "[", "`", "{", "/", ":", "\x7F", "\xe2\x80\x99",
      "a\xe2\x80\x99t", "\xe2\x80\x99\xe2\x80\x99", "\xe2\x80\x9c", "\xe4\xb8\xad",
      "\xe6\x96\x87\xe5\xad\x97", "\xe3\x80\x82", "\xe3\x81\x82", "\xef\xbc\x8c", "\xef\xbc\x81",
      "\xc3\xa9", "\xc3\x97", "\xc2\xa0", "\xd0\xba\xd0\xb0", "\xf0\xa0\x80\x80",
      "\xf0\x9f\x98\x80", "\xe2\xba\x80", "\xe9\xbf\xbf", "\xea\x80\x80", "\xff", "\xfe", "\x80",
      "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\xf5\x80\x80\x80", "\xe6\x88", "\xf0\x9f\x98", "\xc3"};
  // clang-format on
  std::vector<std::string> p(std::begin(kPieces), std::end(kPieces));
  p.push_back(std::string(1, '\0'));
  for (const size_t n : {7, 8, 9, 15, 16, 17, 31, 32, 33, 62, 63, 64, 65, 66, 127, 128, 129}) {
    p.push_back(std::string(n, 'w'));
    p.push_back(std::string(n / 2, 'A') + "'" + std::string(n - n / 2, 'b'));
    p.push_back(std::string(n, '7') + "\xc3\xa9");
  }
  return p;
}

TEST(EmbeddedWalkDiff, AdversarialPieces) {
  const std::vector<std::string> pieces = adversarial_pieces();
  std::mt19937_64 rng(20240611);
  size_t variant = 0;
  for (int round = 0; round < 1200; ++round) {
    std::string text;
    const size_t parts = rng() % 32;
    for (size_t k = 0; k < parts; ++k) text += pieces[rng() % pieces.size()];
    if (round % 3 == 0 && !text.empty()) text.resize(rng() % (text.size() + 1));  // cut anywhere
    expect_same_walk(text, variant++);
    if (HasFatalFailure()) return;
  }
}

TEST(EmbeddedWalkDiff, RandomBytes) {
  std::mt19937_64 rng(7);
  size_t variant = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string text(rng() % 301, '\0');
    // Half the texts over all bytes, half mostly ASCII letters and spaces with a few others.
    for (char& c : text) {
      const uint64_t r = rng();
      if (round % 2 == 0 || r % 8 == 0) {
        c = static_cast<char>(r >> 8);
      } else {
        c = (r >> 8) % 6 == 0 ? ' ' : static_cast<char>('a' + (r >> 16) % 26);
      }
    }
    expect_same_walk(text, variant++);
    if (HasFatalFailure()) return;
  }
}

TEST(EmbeddedWalkDiff, RandomUtf8WithCjk) {
  std::mt19937_64 rng(99);
  // Code point ranges around the classes' edges, weighted by repetition.
  const std::vector<std::pair<uint32_t, uint32_t>> ranges = {
      {'a', 'z'},         {'A', 'Z'},         {'0', '9'},         {' ', ' '},
      {'\'', '\''},       {0x21, 0x2F},       {0x80, 0xBF},       {0xC0, 0x24F},
      {0x400, 0x4FF},     {0x2000, 0x206F},   {0x2019, 0x2019},   {0x2E7F, 0x2E81},
      {0x3000, 0x303F},   {0x3040, 0x30FF},   {0x4E00, 0x9FFF},   {0x4E00, 0x9FFF},
      {0x4E00, 0x9FFF},   {0x9FFE, 0xA001},   {0xF8FF, 0xFB00},   {0xFF00, 0xFF70},
      {0x1F600, 0x1F64F}, {0x1FFFF, 0x20001}, {0x3FFFE, 0x40001}, {0x10FFFF, 0x10FFFF}};
  size_t variant = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text;
    const size_t target = rng() % 301;
    while (text.size() < target) {
      const auto& r = ranges[rng() % ranges.size()];
      append_utf8(text, r.first + static_cast<uint32_t>(rng() % (r.second - r.first + 1)));
    }
    if (round % 4 == 0 && !text.empty()) {  // end in the middle of a sequence, mostly
      text.resize(text.size() - 1 - rng() % std::min<size_t>(3, text.size()));
    }
    expect_same_walk(text, variant++);
    if (HasFatalFailure()) return;
  }
}

TEST(EmbeddedWalkDiff, WordsAtEveryBlockOffset) {
  // A word of each length near the held run's limit, placed at every offset of a 64-byte block
  // (and across two), followed by each kind of byte that may end it.
  const std::vector<std::string> endings = {
      "", " ", "'", "'x", "\xe2\x80\x99x", "\xe4\xb8\xad", "\xc3\xa9", "\xff", "\xe6\x88"};
  size_t variant = 0;
  for (const size_t len : {1, 8, 63, 64, 65, 130}) {
    for (size_t offset = 0; offset < 67; ++offset) {
      for (const std::string& end : endings) {
        std::string text(offset, offset % 3 == 0 ? 'q' : ' ');
        if (offset % 5 == 0 && offset > 0) text[offset - 1] = '\'';
        text += std::string(len, static_cast<char>('a' + len % 26)) + end;
        expect_same_walk(text, variant++);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(EmbeddedWalkDiff, LongTexts) {
  std::mt19937_64 rng(4096);
  const std::vector<std::string> pieces = adversarial_pieces();
  size_t variant = 0;
  for (int round = 0; round < 6; ++round) {
    std::string text;
    const size_t target = 4096 + rng() % 5000;
    while (text.size() < target) {
      // Mostly prose-like words with the adversarial pieces mixed in.
      if (rng() % 4 == 0) {
        text += pieces[rng() % pieces.size()];
      } else {
        text += std::string(1 + rng() % 9, static_cast<char>('a' + rng() % 26)) + " ";
      }
    }
    expect_same_walk(text, variant++);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace sparouter::classify
