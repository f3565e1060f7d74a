// OpenAI Chat Completions <-> Gemini generateContent, for gemini deployments in direct mode:
// the request path and body, a whole answer, an error body, and a stream of SSE events turned
// into OpenAI chunks as they arrive. What Gemini cannot express is refused with a 400 naming
// the field rather than dropped silently.
//
// Thought signatures: an OpenAI tool call carries Gemini's thoughtSignature where Google's own
// OpenAI-compatible endpoint puts it, tool_calls[i].extra_content.google.thought_signature.
// Clients that keep a tool call as they got it send it back, which Gemini 3 requires in later
// turns; the id stays short, as providers a fallback may reach limit its length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/sse.hpp"
#include "sparouter/result.hpp"

namespace sparouter::runtime::gemini {

// "/v1beta/models/{model}:generateContent", or ":streamGenerateContent?alt=sse" for a stream
// ("/models/..." alone when the base already ends in /v1beta or /v1, as the model probe does).
std::string request_path(std::string_view base_url, std::string_view model, bool stream);

// An OpenAI chat body as a GenerateContentRequest (the model and stream flag go in the URL):
// system/developer -> systemInstruction; user/assistant/tool -> contents (user/model roles,
// text, data: images as inlineData, tool calls and results as functionCall/functionResponse);
// temperature, top_p, max(_completion)_tokens, stop, seed, penalties, response_format ->
// generationConfig; reasoning_effort -> generationConfig.thinkingConfig (a thinkingLevel for
// Gemini 3 and later, a thinkingBudget before); function tools and tool_choice ->
// tools/toolConfig. Errors (kInvalid, param set): n > 1, image URLs that are not data: URLs,
// audio/file parts, non-function tools, logprobs, a tool result whose call is unknown, an unknown
// role, nothing for contents, an unknown reasoning_effort (or "none" for Gemini 3).
// `model` decides whether function calls without a thought signature get Google's placeholder
// (Gemini 3 and later refuse them otherwise) and how reasoning_effort is expressed.
Result<std::string> translate_request(std::string_view openai_body, std::string_view model);

// A GenerateContentResponse as an OpenAI chat.completion (created = `now`, model = `model`).
Result<std::string> translate_response(std::string_view gemini_body, std::string_view model,
                                       int64_t now);

// A Gemini error body ({"error":{"code","message","status"}}, or such a body inside an array)
// as OpenAI's error object; "" when it is not one.
std::string translate_error(std::string_view gemini_body);

// Feeds the bytes of a streamGenerateContent?alt=sse answer; every call returns the OpenAI SSE
// bytes ("data: {...}\n\n" chunks, "data: [DONE]\n\n" after the chunk with a finishReason) that
// the bytes completed. `include_usage` is the client's stream_options.include_usage, with
// OpenAI's meaning: every chunk has "usage": null, and the one before [DONE] has "choices": []
// and the usage (the last usageMetadata Gemini sent; none sent, no such chunk). Without it no
// chunk has a usage field.
class StreamTranslator {
 public:
  StreamTranslator(std::string_view model, int64_t now, bool include_usage)
      : model_(model), created_(now), include_usage_(include_usage) {}
  std::string feed(std::string_view bytes);
  // The upstream ended: a last event without its blank line is read; a stream that never said
  // why it finished was cut short, which is a failure (an error event is returned).
  std::string finish();
  bool done() const noexcept { return done_; }
  bool failed() const noexcept { return failed_; }  // an error event or unreadable bytes

 private:
  std::string on_event(std::string_view data);
  std::string chunk(std::string_view delta_json, std::string_view end_reason);
  std::string usage_chunk() const;
  std::string fail(std::string_view message);

  http::SseSplitter splitter_;
  std::string id_;
  std::string model_;
  std::string usage_;  // OpenAI's usage object for the latest usageMetadata (with include_usage)
  int64_t created_;
  int tool_calls_ = 0;  // functionCall parts seen so far (their OpenAI index)
  bool include_usage_;
  bool started_ = false;
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace sparouter::runtime::gemini
