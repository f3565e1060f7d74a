// What a whole answer and a stream's events share: reading the first candidate of a
// GenerateContentResponse and writing its pieces in OpenAI's shapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/json_io.hpp"

namespace sparouter::runtime::gemini::detail {

using namespace json_io;

// The first candidate (n > 1 is refused up front): its answer text (thoughts left out), its
// functionCall parts and its finishReason ("SAFETY" when the prompt itself was blocked).
struct CandidateView {
  std::string text;
  std::vector<const Value*> calls;  // parts of `response`, valid while it lives
  std::string_view reason;
};
CandidateView read_candidate(const Value& response);

// One OpenAI tool call for a functionCall part; `delta` adds the stream's "index". The id is
// Gemini's when it sent one, else "call_<id_prefix>_<index>"; a thoughtSignature goes into
// extra_content (see gemini.hpp).
void write_tool_call(Writer& w, const Value& part, std::string_view id_prefix, int index,
                     bool delta);

// The OpenAI finish_reason for a Gemini finishReason ("" while the candidate is unfinished).
std::string_view finish_reason(std::string_view gemini_reason, bool tool_calls);

// OpenAI's usage object for usageMetadata ("" when there is none).
std::string usage_json(const Value& response);

// "chatcmpl-" + responseId (or `now` when Gemini sent none).
std::string completion_id(const Value& response, int64_t now);

}  // namespace sparouter::runtime::gemini::detail
