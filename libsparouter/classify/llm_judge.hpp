// The "llm" classifier, I/O-free: build the chat-completions request that asks a model to pick a
// label, and read its reply. The host makes the HTTP call in between.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::classify {

inline constexpr size_t kJudgeMaxTextBytes = 8 * 1024;  // the user's text, cut on UTF-8
inline constexpr size_t kJudgeMaxExamples = 3;          // per label
inline constexpr size_t kJudgeMaxExampleBytes = 300;    // per example

// An OpenAI chat-completions request body (model = `model`, temperature 0, response_format
// json_object): a system message with config.prompt (or the built-in instruction), the labels
// with a few examples each and the answer format {"group": "<label>", "confidence": <0..1>};
// then a user message with `text`. Invalid UTF-8 in any input is replaced, never passed on.
std::string build_judge_request(const LlmJudgeConfig& config, std::string_view model,
                                const std::vector<LabelExamples>& labels, std::string_view text);

struct JudgeVerdict {
  std::string group;  // spelled as in `labels`
  double confidence = 1;
};

// Reads choices[0].message.content of a chat-completions response: the first JSON object in
// it with a "group" (code fences and prose around it are tolerated; a bare label also counts).
// The group must name a label (case-insensitive); confidence is clamped to [0, 1], 1 if absent.
// Errors: invalid("", reason).
Result<JudgeVerdict> parse_judge_reply(std::string_view response_body,
                                       const std::vector<LabelExamples>& labels);

}  // namespace sparouter::classify
