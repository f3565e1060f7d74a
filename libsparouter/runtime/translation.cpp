#include "runtime/translation.hpp"

#include "runtime/json_io.hpp"

namespace sparouter::runtime {

namespace {
std::variant<anthropic::StreamTranslator, gemini::StreamTranslator> make_stream(const Candidate& c,
                                                                                bool include_usage,
                                                                                int64_t now) {
  if (c.provider_kind == ProviderKind::kGemini) {
    return gemini::StreamTranslator(c.model, now, include_usage);
  }
  return anthropic::StreamTranslator(now, include_usage);
}
}  // namespace

bool wants_stream_usage(std::string_view openai_body) {
  // Most bodies never name it: they are not parsed again (a key spelled with \u escapes is
  // not looked for).
  if (openai_body.find("include_usage") == std::string_view::npos) return false;
  json_io::Document d;
  d.Parse(openai_body.data(), openai_body.size());
  if (d.HasParseError()) return false;
  const json_io::Value* options = json_io::member(d, "stream_options");
  const json_io::Value* include = options ? json_io::member(*options, "include_usage") : nullptr;
  return include && include->IsBool() && include->GetBool();
}

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

StreamTranslation::StreamTranslation(const Candidate& c, std::string_view client_body, int64_t now)
    : impl_(make_stream(c, wants_stream_usage(client_body), now)) {}

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
