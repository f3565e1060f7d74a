// Feature key -> weight row, for the features seen in training (FeatureTable, 32-bit keys), and
// run hash -> run row (RunTable, 64-bit keys). Open addressing with linear probing at a load
// factor of at most 1/2: one or two cache lines per lookup, and a miss (a feature the model
// never saw, common in long prompts) ends at the first empty slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sparouter::classify {

// A one-hash Bloom filter of 16 or more bits per item, indexed by the top bits of a 64-bit
// hash (which must be well mixed there): never "no" for an added item, "maybe" for at most
// about 1 other in 16. Unbuilt, it answers `unbuilt` for everything.
class TopBitsFilter {
 public:
  explicit TopBitsFilter(bool unbuilt) : bits_(1, unbuilt ? ~uint64_t{0} : 0) {}

  // Sized for `items`, all bits clear; then add() each item.
  void reset(size_t items);
  void add(uint64_t hash) noexcept {
    const uint64_t bit = hash >> shift_;
    bits_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  bool may_contain(uint64_t hash) const noexcept {
    const uint64_t bit = hash >> shift_;
    return (bits_[bit >> 6] >> (bit & 63)) & 1;
  }
  size_t memory_bytes() const noexcept { return bits_.capacity() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> bits_;
  uint32_t shift_ = 58;  // 64 - log2(bits)
};

class FeatureTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // Row i gets keys[i]; keys must be distinct.
  void build(const std::vector<uint32_t>& keys);

  uint32_t find(uint32_t key) const noexcept {
    size_t i = slot_of(key);
    for (;;) {
      const uint64_t s = slots_[i];
      const uint32_t row = static_cast<uint32_t>(s >> 32);
      if (row == kNone) return kNone;
      if (static_cast<uint32_t>(s) == key) return row;
      i = (i + 1) & mask_;
    }
  }

  // Where find(key) starts looking, to prefetch it.
  const void* probe_address(uint32_t key) const noexcept { return &slots_[slot_of(key)]; }

  // False only for a key the table does not hold: a one-hash Bloom filter of 16 or more bits per
  // key (a false "maybe" for at most about 1 key in 16). Most of a prompt's features are unknown
  // to a model, and the filter answers for them from 1/8 of the table's memory, where a lookup in
  // the table would probe 2.5 slots on average (linear probing at a load factor of 1/2).
  bool may_contain(uint32_t key) const noexcept {
    return filter_.may_contain(filter_hash(key));
  }

  size_t size() const noexcept { return size_; }
  size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(uint64_t) + filter_.memory_bytes();
  }

 private:
  // Keys are already hashes: their low bits pick the slot.
  size_t slot_of(uint32_t key) const noexcept { return static_cast<size_t>(key) & mask_; }
  // The filter reads the key's top bits: the slot uses the low ones.
  static uint64_t filter_hash(uint32_t key) noexcept { return uint64_t{key} << 32; }

  std::vector<uint64_t> slots_ = std::vector<uint64_t>(1, ~uint64_t{0});  // (row << 32) | key
  size_t mask_ = 0;
  size_t size_ = 0;
  TopBitsFilter filter_{false};  // may_contain()'s bits
};

// The words of the training texts (64-bit word hashes), for WordFilterSink: a TopBitsFilter
// (never "no" for a training word). Small: a few bits per word of a vocabulary that is far
// smaller than the features.
class WordFilter {
 public:
  void build(const std::vector<uint64_t>& words);

  bool may_contain(uint64_t word) const noexcept { return filter_.may_contain(mixed(word)); }

  size_t memory_bytes() const noexcept { return filter_.memory_bytes(); }

 private:
  // A multiplication brings every bit of the word hash into the product's top bits.
  static uint64_t mixed(uint64_t word) noexcept { return word * 0x9E3779B97F4A7C15ULL; }

  TopBitsFilter filter_{true};  // unbuilt: all "maybe"
};

class RunTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // Row i gets keys[i]; keys must be distinct.
  void build(const std::vector<uint64_t>& keys);

  uint32_t find(uint64_t key) const noexcept {
    size_t i = static_cast<size_t>(key) & mask_;
    for (;;) {
      const Slot& s = slots_[i];
      if (s.row == kNone) return kNone;
      if (s.key == key) return s.row;
      i = (i + 1) & mask_;
    }
  }

  size_t size() const noexcept { return size_; }
  size_t memory_bytes() const noexcept { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key;
    uint32_t row;
    uint32_t unused;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(1, Slot{0, kNone, 0});
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace sparouter::classify
