// Standard base64 (RFC 4648, with padding) for the sealed key format and the store's salt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sparouter::crypto {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sparouter::crypto
