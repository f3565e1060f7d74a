// The answers of providers that speak their own protocol (Anthropic, Gemini) rewritten into
// OpenAI's, per provider kind, so that forward() has one branch instead of one per kind.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "runtime/anthropic.hpp"
#include "runtime/gemini.hpp"
#include "sparouter/result.hpp"
#include "sparouter/router.hpp"

namespace sparouter::runtime {

// True for the kinds whose answers are translated (their headers are not passed on either).
bool translates(ProviderKind kind) noexcept;

// A whole 2xx answer of `c` as an OpenAI chat.completion (created = `now`); an error when the
// answer cannot be read, which is the provider's failure. Other kinds: the body unchanged.
Result<std::string> translate_answer(const Candidate& c, std::string body, int64_t now);

// A provider's error body as OpenAI's error object; unchanged when it is not one it knows.
std::string translate_error_answer(ProviderKind kind, std::string body);

// Whether an OpenAI chat body asks for usage in its stream: stream_options.include_usage true.
bool wants_stream_usage(std::string_view openai_body);

// A translated kind's stream, fed piece by piece (only for kinds where translates() is true).
// `client_body` is the client's request, read once here: with stream_options.include_usage the
// chunks follow OpenAI's usage contract (see anthropic::StreamTranslator).
class StreamTranslation {
 public:
  StreamTranslation(const Candidate& c, std::string_view client_body, int64_t now);
  std::string feed(std::string_view bytes);
  // The upstream ended cleanly: what is still owed to the client (may set failed()).
  std::string finish();
  bool failed() const noexcept;

 private:
  std::variant<anthropic::StreamTranslator, gemini::StreamTranslator> impl_;
};

}  // namespace sparouter::runtime
