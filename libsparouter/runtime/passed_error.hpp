// A provider's own 4xx (not worth another deployment) goes to the client as the provider said
// it when that is OpenAI's error object. Anything else, an HTML page from a proxy, vLLM's or
// Ollama's flat shapes, an empty or cut body, would break API.md's "error object, everywhere":
// it becomes one, with the provider's message when it had one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sparouter::runtime {

// nullopt when `body` already is {"error": {...}}; else the JSON body to send instead.
std::optional<std::string> reshape_passed_error(int status, std::string_view body);

}  // namespace sparouter::runtime
