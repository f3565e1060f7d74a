// Embedded classifier: the decision on a 1 KB prompt with 77 labels (a model trained on all of
// banking77), on short prompts, and training time. Fixed data, fixed seeds.
//   ./sparouter_bench --benchmark_filter=Embedded
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../tests/unit/classify/embedded_data_test_util.hpp"
#include "classify/embedded.hpp"
#include "classify/embedded_simd.hpp"

namespace {

using sparouter::LabelExamples;
using sparouter::classify::EmbeddedModel;
using sparouter::classify::EmbeddedOptions;
using sparouter::classify::EmbeddedScratch;
namespace testdata = sparouter::classify::testdata;

struct Data {
  std::vector<LabelExamples> labels;       // every row of banking77 (10,475 examples, 77 labels)
  std::vector<std::string> kb_prompts;     // 1 KB windows over the concatenated texts
  std::vector<std::string> short_prompts;  // the rows themselves
};

const Data& data() {
  static const Data d = [] {
    Data out;
    const auto rows = testdata::load_rows("banking77");
    out.labels = testdata::group_rows(rows, [](const testdata::Row&) { return true; });
    std::string all;
    for (const auto& r : rows) {
      all += r.text + " ";
      if (out.short_prompts.size() < 1000) out.short_prompts.push_back(r.text);
    }
    for (size_t off = 0; off + 1024 <= all.size() && out.kb_prompts.size() < 256; off += 4099) {
      out.kb_prompts.push_back(all.substr(off, 1024));
    }
    return out;
  }();
  return d;
}

std::shared_ptr<const EmbeddedModel> train(uint32_t hidden_units) {
  EmbeddedOptions o;
  o.hidden_units = hidden_units;
  auto m = EmbeddedModel::train(data().labels, o);
  return m.ok() ? *m : nullptr;
}

const std::shared_ptr<const EmbeddedModel>& model() {
  static const auto m = train(EmbeddedOptions{}.hidden_units);
  return m;
}

const std::shared_ptr<const EmbeddedModel>& logistic_model() {
  static const auto m = train(0);
  return m;
}

void decide(benchmark::State& state, const std::shared_ptr<const EmbeddedModel>& m,
            const std::vector<std::string>& texts, size_t distinct) {
  if (!m || texts.empty()) {
    state.SkipWithError("no model or no data (SPAROUTER_CLASSIFIER_DATA_DIR)");
    return;
  }
  EmbeddedScratch scratch;
  scratch.reserve(*m);
  std::vector<float> probs(m->label_count());
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& t = texts[i];
    benchmark::DoNotOptimize(m->predict(t, probs.data(), scratch));
    benchmark::ClobberMemory();
    bytes += t.size();
    if (++i == distinct) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["labels"] = static_cast<double>(m->label_count());
  state.counters["model_MB"] = static_cast<double>(m->memory_bytes()) / (1024.0 * 1024.0);
}

// Decision timings are a few microseconds and noisy: five repetitions, aggregates only.
void five_repetitions(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly(true);
}

// The same 1 KB prompt again and again: its weight rows stay in cache.
void BM_EmbeddedDecide1KB(benchmark::State& state) { decide(state, model(), data().kb_prompts, 1); }
BENCHMARK(BM_EmbeddedDecide1KB)->Apply(five_repetitions);

// 256 different 1 KB prompts in turn: closer to a server's mix, more cache misses.
void BM_EmbeddedDecide1KBRotating(benchmark::State& state) {
  decide(state, model(), data().kb_prompts, data().kb_prompts.size());
}
BENCHMARK(BM_EmbeddedDecide1KBRotating)->Apply(five_repetitions);

void BM_EmbeddedDecide1KBLogisticOnly(benchmark::State& state) {
  decide(state, logistic_model(), data().kb_prompts, 1);
}
BENCHMARK(BM_EmbeddedDecide1KBLogisticOnly)->Apply(five_repetitions);

// Typical intent-sized prompts (~60 bytes).
void BM_EmbeddedDecideShort(benchmark::State& state) {
  decide(state, model(), data().short_prompts, data().short_prompts.size());
}
BENCHMARK(BM_EmbeddedDecideShort)->Unit(benchmark::kMicrosecond);

// The load test's classifier (benchmarks/load/server_config.py): 3 labels of 5 short examples
// each, so most words of a prompt are unknown to it and its tables stay in cache. Logistic
// regression alone (5 examples per label are below hidden_from); hidden_from = 0 forces the
// hidden layer on, for comparison.
std::shared_ptr<const EmbeddedModel> train_small(double hidden_from) {
  const std::vector<LabelExamples> labels = {
      {"code",
       {"fix my function", "why does this program crash", "refactor this class",
        "write a unit test", "the build fails with an error"}},
      {"math",
       {"solve this equation", "what is the sum of the series", "prove the inequality",
        "compute the limit", "how many ways to choose"}},
      {"general",
       {"write a poem about autumn", "plan a trip to rome", "summarise this article",
        "what should i cook tonight", "tell me a story"}}};
  EmbeddedOptions o;
  o.hidden_from = hidden_from;
  auto trained = EmbeddedModel::train(labels, o);
  return trained.ok() ? *trained : nullptr;
}

const std::shared_ptr<const EmbeddedModel>& small_model() {
  static const auto m = train_small(EmbeddedOptions{}.hidden_from);
  return m;
}

const std::shared_ptr<const EmbeddedModel>& small_model_with_hidden_layer() {
  static const auto m = train_small(0);
  return m;
}

// The load test's 820-byte user message (a 270-byte paragraph, three times).
const std::vector<std::string>& garden_prompt() {
  static const std::vector<std::string> texts = [] {
    std::string user;
    for (int i = 0; i < 3; ++i) {
      user +=
          "I am planning a small garden behind the house this spring and would like advice on "
          "which vegetables grow well together, how much sun they need, when to plant them and "
          "how to keep the soil healthy without chemicals. ";
    }
    return std::vector<std::string>{user.substr(0, 820)};
  }();
  return texts;
}

void BM_EmbeddedDecideSmallModelLoadTestPrompt(benchmark::State& state) {
  decide(state, small_model(), garden_prompt(), 1);
}
BENCHMARK(BM_EmbeddedDecideSmallModelLoadTestPrompt)->Apply(five_repetitions);

void BM_EmbeddedDecideSmallModelWithHiddenLayerLoadTestPrompt(benchmark::State& state) {
  decide(state, small_model_with_hidden_layer(), garden_prompt(), 1);
}
BENCHMARK(BM_EmbeddedDecideSmallModelWithHiddenLayerLoadTestPrompt)->Apply(five_repetitions);

// The same request in French (accented words go through the byte loop, the rest does not) and
// in Chinese (every ideograph is a word of its own): a change that speeds up English prompts
// must be weighed against these. 820 bytes each, cut at a character boundary.
std::vector<std::string> repeated_to_820(const char* paragraph) {
  std::string text;
  while (text.size() <= 820) text += paragraph;
  size_t end = 820;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return {text.substr(0, end)};
}

const char* const kFrenchParagraph =
    "Je pr\xC3\xA9pare un petit potager derri\xC3\xA8re la maison ce printemps et "
    "j'aimerais savoir quels l\xC3\xA9gumes poussent bien ensemble, combien de soleil il "
    "leur faut, quand les planter et comment garder un sol sain sans produits chimiques. ";
const char* const kChineseParagraph =
    "\xE4\xBB\x8A\xE5\xB9\xB4\xE6\x98\xA5\xE5\xA4\xA9\xE6\x88\x91\xE6\x83\xB3"
    "\xE5\x9C\xA8\xE6\x88\xBF\xE5\xAD\x90\xE5\x90\x8E\xE9\x9D\xA2\xE5\xBC\x80"
    "\xE4\xB8\x80\xE4\xB8\xAA\xE5\xB0\x8F\xE8\x8F\x9C\xE5\x9B\xAD\xEF\xBC\x8C"
    "\xE8\xAF\xB7\xE9\x97\xAE\xE5\x93\xAA\xE4\xBA\x9B\xE8\x94\xAC\xE8\x8F\x9C"
    "\xE9\x80\x82\xE5\x90\x88\xE4\xB8\x80\xE8\xB5\xB7\xE7\xA7\x8D\xEF\xBC\x8C"
    "\xE9\x9C\x80\xE8\xA6\x81\xE5\xA4\x9A\xE5\xB0\x91\xE9\x98\xB3\xE5\x85\x89"
    "\xEF\xBC\x9F";

void BM_EmbeddedDecideSmallModelFrenchPrompt(benchmark::State& state) {
  static const std::vector<std::string> texts = repeated_to_820(kFrenchParagraph);
  decide(state, small_model(), texts, 1);
}
BENCHMARK(BM_EmbeddedDecideSmallModelFrenchPrompt)->Apply(five_repetitions);

void BM_EmbeddedDecideSmallModelChinesePrompt(benchmark::State& state) {
  static const std::vector<std::string> texts = repeated_to_820(kChineseParagraph);
  decide(state, small_model(), texts, 1);
}
BENCHMARK(BM_EmbeddedDecideSmallModelChinesePrompt)->Apply(five_repetitions);

// The small model on 256 different 1 KB prompts: few repeated words, many unknown n-grams.
void BM_EmbeddedDecideSmallModel1KBRotating(benchmark::State& state) {
  decide(state, small_model(), data().kb_prompts, data().kb_prompts.size());
}
BENCHMARK(BM_EmbeddedDecideSmallModel1KBRotating)->Apply(five_repetitions);

void train_bench(benchmark::State& state, uint32_t hidden_units) {
  if (data().labels.empty()) {
    state.SkipWithError("no data (SPAROUTER_CLASSIFIER_DATA_DIR)");
    return;
  }
  size_t examples = 0;
  for (const auto& l : data().labels) examples += l.examples.size();
  for (auto _ : state) benchmark::DoNotOptimize(train(hidden_units));
  state.counters["examples"] = static_cast<double>(examples);
}

// All 10,475 banking77 rows, 77 labels, one core.
void BM_EmbeddedTrainBanking77(benchmark::State& state) {
  train_bench(state, EmbeddedOptions{}.hidden_units);
}
BENCHMARK(BM_EmbeddedTrainBanking77)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_EmbeddedTrainBanking77LogisticOnly(benchmark::State& state) { train_bench(state, 0); }
BENCHMARK(BM_EmbeddedTrainBanking77LogisticOnly)->Unit(benchmark::kMillisecond)->Iterations(1);

// The row kernel alone, in prediction's shape (16 linear and 128 hidden weights per row, 64
// rows: a batch of found features), for each form this CPU runs; the arg is its index in
// runnable_kernels() (0 is the portable form), the label its name.
void BM_EmbeddedRowKernel(benchmark::State& state) {
  namespace simd = sparouter::classify::simd;
  const auto all = simd::runnable_kernels();
  const auto index = static_cast<size_t>(state.range(0));
  if (index >= all.size()) {
    state.SkipWithError("no such kernel on this CPU");
    return;
  }
  const simd::Kernels& k = *all[index];
  constexpr size_t kN1 = 16, kN2 = 128, kRows = 64;
  std::mt19937 rng(3);
  std::vector<int8_t> weights(kRows * (kN1 + kN2));
  for (auto& w : weights) w = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<const int8_t*> rows(kRows);
  std::vector<float> a1(kRows, 0.01f), a2(kRows, 0.02f), acc(kN1 + kN2, 0.0f);
  for (size_t r = 0; r < kRows; ++r) rows[r] = weights.data() + r * (kN1 + kN2);
  for (auto _ : state) {
    k.add_rows_i8(rows.data(), a1.data(), a2.data(), kRows, kN1, kN2, acc.data());
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(k.name);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_EmbeddedRowKernel)->DenseRange(0, 2);

}  // namespace
