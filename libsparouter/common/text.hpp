// Small text helpers shared by every module.
#pragma once

#include <string>
#include <string_view>

namespace sparouter {

// "name" with double quotes, for error messages. (Built by appending: GCC 12 warns falsely,
// -Wrestrict, on "\"" + std::string&&.)
std::string quoted(std::string_view s);

}  // namespace sparouter
