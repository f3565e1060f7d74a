#include "classify/embedded_table.hpp"

namespace sparouter::classify {

namespace {
constexpr size_t kFilterBitsPerKey = 16;
}  // namespace

void TopBitsFilter::reset(size_t items) {
  uint32_t log2_bits = 6;  // at least one word of bits; at most 2^32 bits
  while (log2_bits < 32 && (size_t{1} << log2_bits) < kFilterBitsPerKey * items) ++log2_bits;
  bits_.assign((size_t{1} << log2_bits) / 64, 0);
  shift_ = 64 - log2_bits;
}

void FeatureTable::build(const std::vector<uint32_t>& keys) {
  size_t slots = 2;
  while (slots < 2 * keys.size()) slots *= 2;
  slots_.assign(slots, ~uint64_t{0});
  mask_ = slots - 1;
  size_ = keys.size();
  for (size_t row = 0; row < keys.size(); ++row) {
    size_t i = slot_of(keys[row]);
    while (static_cast<uint32_t>(slots_[i] >> 32) != kNone) i = (i + 1) & mask_;
    slots_[i] = (static_cast<uint64_t>(row) << 32) | keys[row];
  }
  filter_.reset(keys.size());
  for (const uint32_t key : keys) filter_.add(filter_hash(key));
}

void WordFilter::build(const std::vector<uint64_t>& words) {
  filter_.reset(words.size());
  for (const uint64_t w : words) filter_.add(mixed(w));
}

void RunTable::build(const std::vector<uint64_t>& keys) {
  size_t slots = 2;
  while (slots < 2 * keys.size()) slots *= 2;
  slots_.assign(slots, Slot{0, kNone, 0});
  mask_ = slots - 1;
  size_ = keys.size();
  for (size_t row = 0; row < keys.size(); ++row) {
    size_t i = static_cast<size_t>(keys[row]) & mask_;
    while (slots_[i].row != kNone) i = (i + 1) & mask_;
    slots_[i] = Slot{keys[row], static_cast<uint32_t>(row), 0};
  }
}

}  // namespace sparouter::classify
