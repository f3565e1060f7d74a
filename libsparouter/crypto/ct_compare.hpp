// Comparison of tokens (admin token, router API keys) whose time does not depend on where the
// first difference is. The length of the expected token may leak; its content does not.
#pragma once

#include <string_view>

namespace sparouter::crypto {

bool constant_time_equal(std::string_view given, std::string_view expected) noexcept;

}  // namespace sparouter::crypto
