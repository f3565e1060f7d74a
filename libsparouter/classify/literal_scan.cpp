#include "classify/literal_scan.hpp"

#include <unordered_map>

namespace sparouter::classify {

LiteralScanner::LiteralScanner(const std::vector<std::string>& literals) {
  literals_.reserve(literals.size());
  size_t shortest = SIZE_MAX;
  for (const std::string& literal : literals) {
    std::string folded = literal;
    for (char& c : folded) c = static_cast<char>(kAsciiFold.map[static_cast<unsigned char>(c)]);
    shortest = std::min(shortest, folded.size());
    literals_.push_back(std::move(folded));
  }
  if (literals_.empty() || shortest < kMinLength) return;  // unusable: m_ stays 0
  m_ = shortest;
  // A window whose last two bytes end at offset j of some literal's m-prefix may be the end of
  // that prefix after m-1-j more bytes: the jump is the least such distance.
  std::unordered_map<std::string, size_t> group_of;
  shift_.fill(static_cast<uint8_t>(std::min<size_t>(m_ - 1, 255)));
  for (size_t i = 0; i < literals_.size(); ++i) {
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
}

}  // namespace sparouter::classify
