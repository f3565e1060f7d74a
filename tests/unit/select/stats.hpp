// Chi-square helpers for the weighted-choice tests (fixed seeds, so no flakiness).
#pragma once

#include <cstdint>
#include <vector>

namespace sparouter::select::testing {

// Pearson's statistic of observed counts against expected probabilities (summing to 1).
inline double chi_square(const std::vector<int64_t>& observed, const std::vector<double>& probs) {
  int64_t n = 0;
  for (int64_t o : observed) n += o;
  double stat = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = probs[i] * static_cast<double>(n);
    const double d = static_cast<double>(observed[i]) - expected;
    stat += d * d / expected;
  }
  return stat;
}

// Critical values of the chi-square distribution at p = 0.001, by degrees of freedom.
inline double chi_square_critical_p001(int dof) {
  static const double kTable[] = {0,      10.828, 13.816, 16.266, 18.467, 20.515,
                                  22.458, 24.322, 26.124, 27.877, 29.588};
  return kTable[dof];
}

inline std::vector<double> normalise(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  std::vector<double> p;
  for (double w : weights) p.push_back(w / total);
  return p;
}

}  // namespace sparouter::select::testing
