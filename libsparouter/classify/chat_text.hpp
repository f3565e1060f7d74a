// One parse of an OpenAI Chat Completions request body: what routing needs, copied out.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::classify {

struct ChatText {
  std::string model;  // the "model" value, unescaped
  // Byte span of the model's JSON string token in the original body, quotes included: the
  // server splices a new value there.
  size_t model_offset = 0;
  size_t model_length = 0;
  bool stream = false;      // "stream": true
  bool has_tools = false;   // "tools" or "functions" present and non-empty
  bool has_images = false;  // an image_url / input_image content part (noted, never read)
  size_t message_count = 0;
  std::string last_user;  // text of the last user message
  std::string all_user;   // every user message's text, joined with "\n"
  std::string all;        // every message's text (any role), joined with "\n"

  const std::string& scoped(Scope scope) const;
  void clear();  // keeps capacity
};

// Reusable: keeps its simdjson parser and padded buffer, so parsing bodies of a steady size
// allocates nothing. One per thread; not thread-safe itself.
class ChatParser {
 public:
  ChatParser();
  ~ChatParser();
  ChatParser(ChatParser&&) noexcept;
  ChatParser& operator=(ChatParser&&) noexcept;

  // Message text: a string content, or the "text"/"input_text" parts of an array joined with
  // "\n"; messages with no text add nothing to the joined scopes. Unknown fields are ignored.
  // Errors (Code::kInvalid): param "" (not a JSON object), "model", "messages",
  // "messages[i]", "messages[i].role", "messages[i].content". `out` is unspecified on error.
  // require_model = false is for the test bench's {"messages": [...]}: a missing model is then
  // fine (a present one must still be a string).
  Status parse(std::string_view body, ChatText& out, bool require_model = true);

  // For the test bench's {"text": "..."}: `text` is the already extracted plain text; every
  // scope gets it. Error (param "text") when it is not valid UTF-8.
  Status parse_text(std::string_view text, ChatText& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparouter::classify
