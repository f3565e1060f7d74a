#include "classify/embedded.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace sparouter::classify {
namespace {

// Two clearly different topics with enough examples for logistic regression (>= 3 per label).
std::vector<LabelExamples> toy_labels() {
  return {
      {"code",
       {"fix this segfault in my C++ program", "why does my python script throw a KeyError",
        "write a function that reverses a linked list", "my rust code does not compile",
        "explain this stack trace from java", "how do I write a unit test in go",
        "refactor this javascript class", "the compiler reports an undefined reference"}},
      {"cooking",
       {"how long should I boil an egg", "give me a recipe for banana bread",
        "what can I cook with rice and beans", "how do I make pizza dough rise",
        "what temperature to roast a chicken", "a vegan dessert recipe please",
        "how much salt goes into pasta water", "my soup is too spicy, how to fix it"}},
      {"travel",
       {"plan a three day trip to Rome", "cheap flights from Berlin to Lisbon",
        "what should I pack for a week in Japan", "best time of year to visit Iceland",
        "do I need a visa to travel to Canada", "recommend a hotel near the Louvre",
        "train or bus from Milan to Venice", "things to do in Barcelona at night"}},
  };
}

std::shared_ptr<const EmbeddedModel> train_ok(const std::vector<LabelExamples>& labels,
                                              const EmbeddedOptions& options = {}) {
  auto r = EmbeddedModel::train(labels, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().param + ": " + r.error().message);
  return r.ok() ? *r : nullptr;
}

// The two learners toy_labels() can get: logistic regression alone (its default: 8 examples
// per label are below hidden_from), and with the hidden layer forced on. The scratch's tests run
// with both, as their weight rows differ in width.
EmbeddedOptions with_hidden_layer() {
  EmbeddedOptions o;
  o.hidden_from = 0;
  return o;
}

std::vector<EmbeddedOptions> both_learners() { return {EmbeddedOptions{}, with_hidden_layer()}; }

std::vector<float> scores(const EmbeddedModel& m, std::string_view text) {
  EmbeddedScratch scratch;
  std::vector<float> p(m.label_count());
  m.predict(text, p.data(), scratch);
  return p;
}

void expect_distribution(const std::vector<float>& p) {
  double sum = 0;
  for (float x : p) {
    EXPECT_TRUE(std::isfinite(x));
    EXPECT_GE(x, 0.0f);
    sum += x;
  }
  EXPECT_NEAR(sum, 1.0, 1e-4);
}

TEST(EmbeddedModel, RejectsFewerThanTwoLabels) {
  auto r = EmbeddedModel::train({{"only", {"hello"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kInvalid);
  EXPECT_EQ(r.error().param, "classifier.labels");
}

TEST(EmbeddedModel, RejectsDuplicateGroups) {
  auto r = EmbeddedModel::train({{"a", {"x"}}, {"b", {"y"}}, {"a", {"z"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.labels[2].group");
}

TEST(EmbeddedModel, RejectsLabelWithoutNonEmptyExample) {
  auto r = EmbeddedModel::train({{"a", {"x"}}, {"b", {}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.labels[1].examples");
  r = EmbeddedModel::train({{"a", {"", "x"}}, {"b", {"", ""}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.labels[1].examples");
}

TEST(EmbeddedModel, RejectsEmptyGroupName) {
  auto r = EmbeddedModel::train({{"a", {"x"}}, {"", {"y"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.labels[1].group");
}

TEST(EmbeddedModel, RejectsBadOptions) {
  EmbeddedOptions o;
  o.char_ngram_max = 9;
  auto r = EmbeddedModel::train(toy_labels(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.embedded.char_ngram_max");
  o = {};
  o.learning_rate = -1;
  EXPECT_FALSE(EmbeddedModel::train(toy_labels(), o).ok());
  o = {};
  o.word_ngrams = 0;
  o.char_ngram_max = 0;
  EXPECT_FALSE(EmbeddedModel::train(toy_labels(), o).ok());
  o = {};
  o.hidden_input_dropout = 1.0f;
  r = EmbeddedModel::train(toy_labels(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.embedded.hidden_input_dropout");
}

TEST(EmbeddedModel, KeepsLabelOrder) {
  auto m = train_ok(toy_labels());
  ASSERT_TRUE(m);
  ASSERT_EQ(m->label_count(), 3u);
  EXPECT_EQ(m->label(0), "code");
  EXPECT_EQ(m->label(1), "cooking");
  EXPECT_EQ(m->label(2), "travel");
  EXPECT_EQ(m->method(), EmbeddedMethod::kLogistic);
  EXPECT_GT(m->memory_bytes(), 0u);
}

// The hidden layer joins from hidden_from examples per label on average (8 here).
TEST(EmbeddedModel, UsesTheHiddenLayerFromEnoughExamples) {
  EmbeddedOptions o;
  o.hidden_from = 8;
  auto m = train_ok(toy_labels(), o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), EmbeddedMethod::kLogisticHidden);
  o.hidden_from = 8.5;
  m = train_ok(toy_labels(), o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), EmbeddedMethod::kLogistic);
  o.hidden_from = 0;
  o.hidden_units = 0;
  m = train_ok(toy_labels(), o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), EmbeddedMethod::kLogistic);
  o = {};
  o.hidden_from = -1;
  const auto r = EmbeddedModel::train(toy_labels(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "classifier.embedded.hidden_from");
}

TEST(EmbeddedModel, LearnsToyTopics) {
  for (uint32_t hidden : {0u, 128u}) {
    EmbeddedOptions o;
    o.hidden_units = hidden;
    o.hidden_from = 0;
    auto m = train_ok(toy_labels(), o);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->method(),
              hidden == 0 ? EmbeddedMethod::kLogistic : EmbeddedMethod::kLogisticHidden);
    EmbeddedScratch s;
    std::vector<float> p(m->label_count());
    EXPECT_EQ(m->label(m->predict("my C++ code crashes with a segfault", p.data(), s)), "code");
    EXPECT_EQ(m->label(m->predict("a recipe for chocolate cake", p.data(), s)), "cooking");
    EXPECT_EQ(m->label(m->predict("flights to Japan in spring", p.data(), s)), "travel");
    expect_distribution(p);
  }
}

TEST(EmbeddedModel, UsesNaiveBayesWhenExamplesAreFew) {
  std::vector<LabelExamples> labels = {{"billing", {"refund my invoice", "I was charged twice"}},
                                       {"support", {"the app crashes on start", "cannot log in"}}};
  auto m = train_ok(labels);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), EmbeddedMethod::kNaiveBayes);
  EmbeddedScratch s;
  std::vector<float> p(2);
  EXPECT_EQ(m->predict("please refund the invoice", p.data(), s), 0u);
  EXPECT_EQ(m->predict("the app crashes", p.data(), s), 1u);
  expect_distribution(p);
  EmbeddedOptions o;
  o.naive_bayes_below = 0;  // force logistic regression
  auto lr = train_ok(labels, o);
  ASSERT_TRUE(lr);
  EXPECT_EQ(lr->method(), EmbeddedMethod::kLogistic);
}

TEST(EmbeddedModel, IsDeterministic) {
  for (const EmbeddedOptions& o : both_learners()) {
    auto a = train_ok(toy_labels(), o);
    auto b = train_ok(toy_labels(), o);
    ASSERT_TRUE(a && b);
    for (const char* text : {"segfault in C", "bake bread", "trip to Rome", "", "zzz qqq"}) {
      const std::vector<float> pa = scores(*a, text);
      const std::vector<float> pb = scores(*b, text);
      for (size_t i = 0; i < pa.size(); ++i) EXPECT_EQ(pa[i], pb[i]) << text;  // bit for bit
    }
  }
}

TEST(EmbeddedModel, SameScratchGivesSameScoresAsFreshOne) {
  for (const EmbeddedOptions& o : both_learners()) {
    auto m = train_ok(toy_labels(), o);
    ASSERT_TRUE(m);
    EmbeddedScratch warm;
    std::vector<float> p(m->label_count());
    for (int i = 0; i < 100; ++i)
      m->predict("something else entirely " + std::to_string(i), p.data(), warm);
    m->predict("explain this python stack trace", p.data(), warm);
    EXPECT_EQ(p, scores(*m, "explain this python stack trace"));
  }
}

// Char n-grams count once per distinct word, whether the model knows the word (one
// precomputed row) or not (its n-grams looked up one by one).
TEST(EmbeddedModel, RepeatedWordsAddNothing) {
  EmbeddedOptions o;
  o.word_ngrams = 0;  // unseen word features count per occurrence; char n-grams do not
  auto m = train_ok(toy_labels(), o);
  ASSERT_TRUE(m);
  for (const char* w : {"python", "zqxvj"}) {
    const std::string once = std::string("bread ") + w;
    const std::string again = std::string("bread ") + w + " " + w + ", bread " + w;
    EXPECT_EQ(scores(*m, once), scores(*m, again)) << w;
  }
}

// More distinct words than a scratch remembers (kMaxRunsPerText): still deterministic, and the
// same from a warm scratch as from a fresh one.
TEST(EmbeddedModel, ManyDistinctWords) {
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    std::string word;  // digits would fold to '0': spell i in letters
    for (int v = i; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
    text += "w" + word + " python ";
  }
  for (const EmbeddedOptions& o : both_learners()) {
    auto m = train_ok(toy_labels(), o);
    ASSERT_TRUE(m);
    EmbeddedScratch warm;
    std::vector<float> p(m->label_count());
    m->predict(text, p.data(), warm);
    m->predict("bake bread", p.data(), warm);
    m->predict(text, p.data(), warm);
    EXPECT_EQ(p, scores(*m, text));
  }
}

// A scratch remembers what it found for the words of earlier texts (small models). Whatever it
// remembers, evicts, or was last used with, scores are those of a fresh scratch, bit for bit:
// two models (one with the hidden layer, one without) share one scratch, the texts share a
// vocabulary bigger than the memory, and some words have more known n-grams than one remembered
// word may hold.
TEST(EmbeddedModel, RememberedWordsScoreAsFreshOnes) {
  auto a = train_ok(toy_labels(), with_hidden_layer());
  EmbeddedOptions o;
  o.char_ngram_min = 2;
  o.char_ngram_max = 4;
  auto b = train_ok(toy_labels(), o);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->method(), EmbeddedMethod::kLogisticHidden);
  ASSERT_EQ(b->method(), EmbeddedMethod::kLogistic);
  std::vector<std::string> vocabulary = {"recipebananabreadrecipe", "segfaultcompilerpython",
                                         "trip", "rome", "bread", "unit", "test", "travel"};
  for (int i = 0; i < 5000; ++i) {
    std::string word;
    for (int v = i * 7919 % 17576; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
    vocabulary.push_back("x" + word + (i % 3 == 0 ? "ing" : "ed"));
  }
  uint64_t x = 7;
  EmbeddedScratch warm;
  for (int t = 0; t < 300; ++t) {
    std::string text;
    for (int w = 0; w < 40; ++w) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      text += vocabulary[(x >> 33) % (w % 4 == 0 ? 8 : vocabulary.size())] + " ";
    }
    const EmbeddedModel& m = t % 2 == 0 ? *a : *b;
    std::vector<float> p(m.label_count());
    m.predict(text, p.data(), warm);
    ASSERT_EQ(p, scores(m, text)) << t;
  }
}

TEST(EmbeddedModel, NeverFailsOnArbitraryBytes) {
  for (const EmbeddedOptions& o : both_learners()) {
    auto m = train_ok(toy_labels(), o);
    ASSERT_TRUE(m);
    EmbeddedScratch s;
    std::vector<float> p(m->label_count());
    std::vector<std::string> texts = {"",
                                      " ",
                                      std::string(1, '\0'),
                                      "\xFF\xFE\xFD",
                                      "\xE6\x88",
                                      std::string(5000, 'a'),
                                      std::string(100000, '!')};
    uint64_t x = 42;
    for (int n = 0; n < 200; ++n) {  // random byte strings, fixed seed
      std::string t;
      for (int i = 0; i < n * 7 % 300; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        t += static_cast<char>(x >> 56);
      }
      texts.push_back(t);
    }
    for (const std::string& t : texts) {
      const size_t best = m->predict(t, p.data(), s);
      ASSERT_LT(best, m->label_count());
      expect_distribution(p);
    }
    EXPECT_LT(m->predict("anything", nullptr, s), m->label_count());  // probabilities optional
  }
}

TEST(EmbeddedModel, TrainsEvenWhenExamplesHaveNoFeatures) {
  for (double nb_below : {3.0, 0.0}) {  // naive Bayes and logistic regression
    EmbeddedOptions o;
    o.naive_bayes_below = nb_below;
    auto m = train_ok({{"a", {"!!!"}}, {"b", {"???"}}}, o);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->feature_count(), 0u);
    expect_distribution(scores(*m, "hello world"));
  }
}

TEST(EmbeddedModel, ClassifiesChineseText) {
  std::vector<LabelExamples>
      labels =
          {
              {"weather",
               {"\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE6\x80\x8E\xE4\xB9\x88\xE6\xA0"
                "\xB7",  // 今天天气怎么样
                "\xE6\x98\x8E\xE5\xA4\xA9\xE4\xBC\x9A\xE4\xB8\x8B\xE9\x9B\xA8\xE5\x90\x97",  // 明天会下雨吗
                "\xE5\x8C\x97\xE4\xBA\xAC\xE7\x9A\x84\xE5\xA4\xA9\xE6\xB0\x94",  // 北京的天气
                "\xE5\xA4\x96\xE9\x9D\xA2\xE5\x86\xB7\xE5\x90\x97"}},            // 外面冷吗
              {"banking",
               {"\xE6\x88\x91\xE7\x9A\x84\xE4\xBF\xA1\xE7\x94\xA8\xE5\x8D\xA1\xE4\xB8\xA2\xE4\xBA"
                "\x86",                                              // 我的信用卡丢了
                "\xE5\xA6\x82\xE4\xBD\x95\xE8\xBD\xAC\xE8\xB4\xA6",  // 如何转账
                "\xE6\x9F\xA5\xE8\xAF\xA2\xE8\xB4\xA6\xE6\x88\xB7\xE4\xBD\x99\xE9\xA2\x9D",  // 查询账户余额
                "\xE4\xBF\xA1\xE7\x94\xA8\xE5\x8D\xA1\xE8\xBF\x98\xE6\xAC\xBE"}},  // 信用卡还款
          };
  auto m = train_ok(labels);
  ASSERT_TRUE(m);
  EmbeddedScratch s;
  std::vector<float> p(2);
  // 上海明天的天气 (Shanghai's weather tomorrow), 我想查询信用卡余额 (check my credit card balance)
  EXPECT_EQ(
      m->predict(
          "\xE4\xB8\x8A\xE6\xB5\xB7\xE6\x98\x8E\xE5\xA4\xA9\xE7\x9A\x84\xE5\xA4\xA9\xE6\xB0\x94",
          p.data(), s),
      0u);
  EXPECT_EQ(
      m->predict(
          "\xE6\x88\x91\xE6\x83\xB3\xE6\x9F\xA5\xE8\xAF\xA2\xE4\xBF\xA1\xE7\x94\xA8\xE5\x8D\xA1"
          "\xE4\xBD\x99\xE9\xA2\x9D",
          p.data(), s),
      1u);
}

TEST(EmbeddedModel, UnknownTextScoresLowConfidence) {
  auto m = train_ok(toy_labels());
  ASSERT_TRUE(m);
  const std::vector<float> known = scores(*m, "fix the segfault in my C++ program");
  const std::vector<float> unknown = scores(*m, "qwxz vvkj plmrt zzyqx");
  const float top_known = *std::max_element(known.begin(), known.end());
  const float top_unknown = *std::max_element(unknown.begin(), unknown.end());
  EXPECT_GT(top_known, 0.5f);
  EXPECT_LT(top_unknown, top_known);
}

TEST(EmbeddedModel, ReadsAtMostMaxTextBytes) {
  EmbeddedOptions o;
  o.max_text_bytes = 24;
  auto m = train_ok(toy_labels(), o);
  ASSERT_TRUE(m);
  const std::string head = "explain this stack trace";  // 24 bytes
  EXPECT_EQ(scores(*m, head), scores(*m, head + " and a recipe for banana bread"));
}

TEST(EmbeddedModel, PredictIsThreadSafe) {
  auto m = train_ok(toy_labels(), with_hidden_layer());  // the wider rows
  ASSERT_TRUE(m);
  const std::vector<std::string> texts = {"segfault in C", "bake bread", "trip to Rome",
                                          "how to fix a compiler error", "visa for Canada"};
  std::vector<std::vector<float>> expected;
  for (const std::string& t : texts) expected.push_back(scores(*m, t));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      EmbeddedScratch s;
      std::vector<float> p(m->label_count());
      for (int i = 0; i < 500; ++i) {
        const size_t k = (i + t) % texts.size();
        m->predict(texts[k], p.data(), s);
        if (p != expected[k]) ++mismatches[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : mismatches) EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace sparouter::classify
