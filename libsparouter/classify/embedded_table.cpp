#include "classify/embedded_table.hpp"

namespace sparouter::classify {

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
