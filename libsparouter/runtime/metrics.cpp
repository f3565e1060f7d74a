#include "runtime/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <vector>

#include "sparouter/router.hpp"

namespace sparouter::runtime {

namespace {
constexpr size_t kMaxLabels = 3;
constexpr size_t kSlots = 4096;  // label sets per metric; beyond it they share one overflow set
using Labels = std::array<std::string_view, kMaxLabels>;

constexpr std::array<double, 15> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                          2.5,   5,    10,    30,   60,  120,  300};

size_t hash_labels(const Labels& labels, size_t n) {
  size_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= std::hash<std::string_view>{}(labels[i]) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  }
  return h;
}

// Per bucket, the observations that fall in it alone (one atomic add per observation, not one
// per bucket above it); rendering sums them into Prometheus's cumulative counts.
struct Histogram {
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_us{0};
};
}  // namespace

// A fixed open-addressing table of label sets. Readers probe with acquire loads and never lock;
// a new set is inserted under the mutex and published with a release store. Entries live until
// the table dies (label cardinality is bounded by the configuration).
template <class V>
class LabelTable {
 public:
  struct Entry {
    size_t hash = 0;
    std::array<std::string, kMaxLabels> labels;
    V value{};
  };

  explicit LabelTable(std::vector<std::string> names)
      : names_(std::move(names)), slots_(new std::atomic<Entry*>[kSlots]) {
    for (size_t i = 0; i < kSlots; ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~LabelTable() {
    for (size_t i = 0; i < kSlots; ++i) delete slots_[i].load(std::memory_order_relaxed);
  }

  V& get(const Labels& labels) {
    const size_t n = names_.size();
    const size_t h = hash_labels(labels, n);
    for (size_t i = 0; i < kSlots; ++i) {
      Entry* e = slots_[(h + i) & (kSlots - 1)].load(std::memory_order_acquire);
      if (e == nullptr) return insert(labels, h, i);
      if (e->hash == h && matches(*e, labels)) return e->value;
    }
    return overflow_.value;
  }

  // Entries sorted by labels, for a stable rendering.
  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (size_t i = 0; i < kSlots; ++i) {
      if (const Entry* e = slots_[i].load(std::memory_order_acquire)) out.push_back(e);
    }
    std::sort(out.begin(), out.end(),
              [](const Entry* a, const Entry* b) { return a->labels < b->labels; });
    return out;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  bool matches(const Entry& e, const Labels& labels) const {
    for (size_t k = 0; k < names_.size(); ++k) {
      if (e.labels[k] != labels[k]) return false;
    }
    return true;
  }
  V& insert(const Labels& labels, size_t h, size_t from) {
    std::lock_guard lock(mu_);
    for (size_t i = from; i < kSlots; ++i) {
      std::atomic<Entry*>& slot = slots_[(h + i) & (kSlots - 1)];
      Entry* e = slot.load(std::memory_order_acquire);
      if (e == nullptr) {
        auto fresh = std::make_unique<Entry>();
        fresh->hash = h;
        for (size_t k = 0; k < names_.size(); ++k) fresh->labels[k] = std::string(labels[k]);
        e = fresh.release();
        slot.store(e, std::memory_order_release);
        return e->value;
      }
      if (e->hash == h && matches(*e, labels)) return e->value;
    }
    return overflow_.value;
  }

  std::vector<std::string> names_;
  std::unique_ptr<std::atomic<Entry*>[]> slots_;
  std::mutex mu_;
  Entry overflow_;
};

class LabeledCounters : public LabelTable<std::atomic<uint64_t>> {
 public:
  using LabelTable::LabelTable;
  void add(const Labels& labels) { get(labels).fetch_add(1, std::memory_order_relaxed); }
};

class GroupHistograms : public LabelTable<Histogram> {
 public:
  using LabelTable::LabelTable;
};

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {
void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string label_text(const std::vector<std::string>& names,
                       const std::array<std::string, kMaxLabels>& values,
                       std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string out = "{";
  for (size_t k = 0; k < names.size(); ++k) {
    if (k > 0) out += ',';
    out += names[k];
    out += "=\"";
    out += escape_label_value(values[k]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

void render_counters(std::string& out, const LabeledCounters& c, std::string_view name,
                     std::string_view help) {
  header(out, name, "counter", help);
  for (const auto* e : c.entries()) {
    fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, label_text(c.names(), e->labels),
                   e->value.load(std::memory_order_relaxed));
  }
}
}  // namespace

Metrics::Metrics()
    : requests_(std::make_unique<LabeledCounters>(
          std::vector<std::string>{"group", "deployment", "status"})),
      attempts_(
          std::make_unique<LabeledCounters>(std::vector<std::string>{"deployment", "outcome"})),
      errors_(std::make_unique<LabeledCounters>(std::vector<std::string>{"deployment", "kind"})),
      fallbacks_(std::make_unique<LabeledCounters>(std::vector<std::string>{"group"})),
      durations_(std::make_unique<GroupHistograms>(
          std::vector<std::string>{"group", "deployment"})) {}

Metrics::~Metrics() = default;

void Metrics::on_request(std::string_view group, std::string_view deployment, int status,
                         int64_t latency_us) {
  char buf[8];
  const auto r = fmt::format_to_n(buf, sizeof buf, "{}", status);
  requests_->add({group, deployment, std::string_view(buf, r.size)});
  Histogram& h = durations_->get({group, deployment, {}});
  const double seconds = static_cast<double>(std::max<int64_t>(latency_us, 0)) / 1e6;
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  if (bucket < kBuckets.size()) h.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum_us.fetch_add(static_cast<uint64_t>(std::max<int64_t>(latency_us, 0)),
                     std::memory_order_relaxed);
}

void Metrics::on_attempt(std::string_view deployment, std::string_view outcome) {
  attempts_->add({deployment, outcome, {}});
}

void Metrics::on_upstream_error(std::string_view deployment, std::string_view kind) {
  errors_->add({deployment, kind, {}});
}

void Metrics::on_fallback(std::string_view group) { fallbacks_->add({group, {}, {}}); }

std::string Metrics::render_prometheus(const Router* router) const {
  std::string out;
  out.reserve(4096);
  render_counters(out, *requests_, "sparouter_requests_total",
                  "Requests to /v1/chat/completions by group, deployment and status.");
  header(out, "sparouter_request_duration_seconds", "histogram",
         "Time from a request to its last byte, by group and deployment (the one that "
         "answered or was tried last; empty when none was tried).");
  for (const auto* e : durations_->entries()) {
    const Histogram& h = e->value;
    // The count is read first and caps the sums: an observation made meanwhile may be in a
    // bucket already but not yet counted, and no bucket may show more than +Inf.
    const uint64_t count = h.count.load(std::memory_order_relaxed);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i].load(std::memory_order_relaxed);
      fmt::format_to(
          std::back_inserter(out), "sparouter_request_duration_seconds_bucket{} {}\n",
          label_text(durations_->names(), e->labels, "le", fmt::format("{}", kBuckets[i])),
          std::min(cumulative, count));
    }
    fmt::format_to(std::back_inserter(out), "sparouter_request_duration_seconds_bucket{} {}\n",
                   label_text(durations_->names(), e->labels, "le", "+Inf"), count);
    fmt::format_to(std::back_inserter(out), "sparouter_request_duration_seconds_sum{} {}\n",
                   label_text(durations_->names(), e->labels),
                   static_cast<double>(h.sum_us.load(std::memory_order_relaxed)) / 1e6);
    fmt::format_to(std::back_inserter(out), "sparouter_request_duration_seconds_count{} {}\n",
                   label_text(durations_->names(), e->labels), count);
  }
  render_counters(out, *attempts_, "sparouter_upstream_attempts_total",
                  "Upstream attempts by deployment and outcome.");
  render_counters(out, *errors_, "sparouter_upstream_errors_total",
                  "Failed upstream attempts by deployment and kind.");
  render_counters(out, *fallbacks_, "sparouter_fallbacks_total",
                  "Attempts after a failed one, by the group tried next.");
  header(out, "sparouter_in_flight", "gauge", "Requests to /v1 being answered.");
  fmt::format_to(std::back_inserter(out), "sparouter_in_flight {}\n", in_flight());
  if (router != nullptr) {
    const auto states = router->deployment_states();
    header(out, "sparouter_deployment_cooling", "gauge",
           "1 while a deployment cools down after failures.");
    for (const auto& s : states) {
      fmt::format_to(std::back_inserter(out),
                     "sparouter_deployment_cooling{{deployment=\"{}\"}} {}\n",
                     escape_label_value(s.deployment_id), s.cooling ? 1 : 0);
    }
    header(out, "sparouter_deployment_in_flight", "gauge", "Upstream attempts in flight.");
    for (const auto& s : states) {
      fmt::format_to(std::back_inserter(out),
                     "sparouter_deployment_in_flight{{deployment=\"{}\"}} {}\n",
                     escape_label_value(s.deployment_id), s.in_flight);
    }
  }
  return out;
}

}  // namespace sparouter::runtime
