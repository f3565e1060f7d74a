#include "runtime/translation.hpp"

namespace sparouter::runtime {

namespace {
std::variant<anthropic::StreamTranslator, gemini::StreamTranslator> make_stream(const Candidate& c,
                                                                                int64_t now) {
  if (c.provider_kind == ProviderKind::kGemini) return gemini::StreamTranslator(c.model, now);
  return anthropic::StreamTranslator(now);
}
}  // namespace

bool translates(ProviderKind kind) noexcept {
  return kind == ProviderKind::kAnthropic || kind == ProviderKind::kGemini;
}

Result<std::string> translate_answer(const Candidate& c, std::string body, int64_t now) {
  switch (c.provider_kind) {
    case ProviderKind::kAnthropic:
      return anthropic::translate_response(body, now);
    case ProviderKind::kGemini:
      return gemini::translate_response(body, c.model, now);
    default:
      return body;
  }
}

std::string translate_error_answer(ProviderKind kind, std::string body) {
  std::string translated;
  if (kind == ProviderKind::kAnthropic) translated = anthropic::translate_error(body);
  if (kind == ProviderKind::kGemini) translated = gemini::translate_error(body);
  return translated.empty() ? body : translated;
}

StreamTranslation::StreamTranslation(const Candidate& c, int64_t now)
    : impl_(make_stream(c, now)) {}

std::string StreamTranslation::feed(std::string_view bytes) {
  return std::visit([bytes](auto& t) { return t.feed(bytes); }, impl_);
}

std::string StreamTranslation::finish() {
  // Anthropic's stream ends with message_stop, and an early end has always been passed on
  // as it is; Gemini's has no end marker but its finishReason, so it checks at the end.
  if (auto* g = std::get_if<gemini::StreamTranslator>(&impl_)) return g->finish();
  return {};
}

bool StreamTranslation::failed() const noexcept {
  return std::visit([](const auto& t) { return t.failed(); }, impl_);
}

}  // namespace sparouter::runtime
