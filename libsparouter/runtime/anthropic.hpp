// OpenAI Chat Completions <-> Anthropic Messages, for anthropic deployments in direct mode:
// the request body, a whole answer, an error body, and a stream of events turned into OpenAI
// chunks as they arrive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/sse.hpp"
#include "sparouter/result.hpp"

namespace sparouter::runtime::anthropic {

// An OpenAI chat body as a Messages body: system and developer messages become "system",
// max_tokens defaults to 4096, stop -> stop_sequences, tools and tool results are mapped,
// images (data: and http URLs) become image blocks. stream_options is not sent: Messages has
// none, and its stream always reports usage (see StreamTranslator).
Result<std::string> translate_request(std::string_view openai_body, std::string_view model,
                                      bool stream);

// A Messages answer as an OpenAI chat.completion (created = `now`).
Result<std::string> translate_response(std::string_view anthropic_body, int64_t now);

// An Anthropic error body as OpenAI's error object ("" when it is not one).
std::string translate_error(std::string_view anthropic_body);

// Feeds the bytes of a Messages stream; every call returns the OpenAI SSE bytes ("data: {...}
// \n\n" chunks, "data: [DONE]\n\n" at message_stop) that the bytes completed.
// Anthropic's token counts of one answer, -1 for a count it did not report. Its three prompt
// counts are disjoint: OpenAI's prompt_tokens is their sum.
struct TokenCounts {
  int64_t input = -1;           // neither read from nor written to the prompt cache
  int64_t cache_creation = -1;  // written to the cache
  int64_t cache_read = -1;      // read from it: OpenAI's cached_tokens
  int64_t output = -1;
  bool reported() const noexcept {
    return input >= 0 || cache_creation >= 0 || cache_read >= 0 || output >= 0;
  }
};

// `include_usage` is the client's stream_options.include_usage, with OpenAI's meaning: every
// chunk has "usage": null, and the one before [DONE] has "choices": [] and the whole usage
// (input tokens from message_start, output tokens from message_delta). An upstream that reported
// no usage at all gets no usage chunk; without include_usage no chunk has a usage field.
class StreamTranslator {
 public:
  StreamTranslator(int64_t now, bool include_usage)
      : created_(now), include_usage_(include_usage) {}
  std::string feed(std::string_view bytes);
  bool done() const noexcept { return done_; }
  bool failed() const noexcept { return failed_; }  // an error event or unreadable bytes

 private:
  std::string on_event(std::string_view type, std::string_view data);
  std::string head() const;  // a chunk up to its "choices" value
  std::string chunk(std::string_view delta_json, std::string_view finish_reason);
  std::string usage_chunk() const;

  http::SseSplitter splitter_;
  std::string id_;
  std::string model_;
  int64_t created_;
  TokenCounts tokens_;          // message_delta's counts are running totals: the latest wins
  int tool_calls_ = 0;          // tool_use blocks seen so far (their OpenAI index)
  int current_tool_ = -1;       // the OpenAI index of the block being streamed, -1 for text
  bool include_usage_;
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace sparouter::runtime::anthropic
