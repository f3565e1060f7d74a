// The display form of an API key: a few leading characters and the last four, never more than
// a third of the key; short keys show less, down to just "…".
#pragma once

#include <string>
#include <string_view>

namespace sparouter::crypto {

std::string mask_key(std::string_view key);

}  // namespace sparouter::crypto
