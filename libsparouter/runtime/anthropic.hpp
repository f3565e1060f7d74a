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
// images (data: and http URLs) become image blocks.
Result<std::string> translate_request(std::string_view openai_body, std::string_view model,
                                      bool stream);

// A Messages answer as an OpenAI chat.completion (created = `now`).
Result<std::string> translate_response(std::string_view anthropic_body, int64_t now);

// An Anthropic error body as OpenAI's error object ("" when it is not one).
std::string translate_error(std::string_view anthropic_body);

// Feeds the bytes of a Messages stream; every call returns the OpenAI SSE bytes ("data: {...}
// \n\n" chunks, "data: [DONE]\n\n" at message_stop) that the bytes completed.
class StreamTranslator {
 public:
  explicit StreamTranslator(int64_t now) : created_(now) {}
  std::string feed(std::string_view bytes);
  bool done() const noexcept { return done_; }
  bool failed() const noexcept { return failed_; }  // an error event or unreadable bytes

 private:
  std::string on_event(std::string_view type, std::string_view data);
  std::string chunk(std::string_view delta_json, std::string_view finish_reason);

  http::SseSplitter splitter_;
  std::string id_;
  std::string model_;
  int64_t created_;
  int tool_calls_ = 0;     // tool_use blocks seen so far (their OpenAI index)
  int current_tool_ = -1;  // the OpenAI index of the block being streamed, -1 for text
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace sparouter::runtime::anthropic
