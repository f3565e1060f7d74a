// Small rapidjson helpers shared by the translators of providers with their own protocols
// (anthropic.cpp, gemini_*.cpp): lookups that tolerate missing or mistyped members, since both
// sides' bodies are untrusted, and the pieces both translations write alike.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_nesting.hpp"

namespace sparouter::runtime::json_io {

// rapidjson's Document whose Parse() fails (as an empty document) on text nested deeper than
// kMaxJsonNesting: the translators parse clients' and providers' bodies, and rapidjson's
// recursion on a hostile one would overflow the stack. Callers check HasParseError() already.
class Document : public rapidjson::Document {
 public:
  using rapidjson::Document::GenericDocument;
  Document& Parse(const char* text, size_t length) {
    if (json_nesting_within(std::string_view(text, length))) {
      rapidjson::Document::Parse(text, length);
    } else {
      rapidjson::Document::Parse("", 0);
    }
    return *this;
  }
};
using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline std::string_view sv(const Value& v) { return {v.GetString(), v.GetStringLength()}; }
inline const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}
inline std::string_view string_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  return v && v->IsString() ? sv(*v) : std::string_view{};
}
inline int64_t int_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  return v && v->IsInt64() ? v->GetInt64() : 0;
}
inline std::string buffer_string(const rapidjson::StringBuffer& b) {
  return std::string(b.GetString(), b.GetSize());
}
inline std::string json_of(const Value& v) {
  rapidjson::StringBuffer b;
  Writer w(b);
  v.Accept(w);
  return buffer_string(b);
}

// The text of an OpenAI content value: a string, or the text parts of an array joined by
// newlines.
inline std::string text_of(const Value& content) {
  if (content.IsString()) return std::string(sv(content));
  std::string out;
  if (content.IsArray()) {
    for (const auto& part : content.GetArray()) {
      if (string_member(part, "type") == "text") {
        if (!out.empty()) out += '\n';
        out += string_member(part, "text");
      }
    }
  }
  return out;
}

// The system (and developer) messages' texts, joined by blank lines: the providers that
// translate take them apart from the turns.
inline std::string system_text(const Value& messages) {
  std::string system;
  for (const auto& m : messages.GetArray()) {
    const std::string_view role = string_member(m, "role");
    if (role == "system" || role == "developer") {
      const Value* content = member(m, "content");
      if (!system.empty()) system += "\n\n";
      if (content) system += text_of(*content);
    }
  }
  return system;
}

// An OpenAI chat.completion up to its one message's "content" key (the caller writes the value,
// then closes the message, the choice, the array and the object).
inline void begin_chat_completion(Writer& w, std::string_view id, int64_t created,
                                  std::string_view model) {
  w.StartObject();
  w.Key("id");
  str(w, id);
  w.Key("object");
  w.String("chat.completion");
  w.Key("created");
  w.Int64(created);
  w.Key("model");
  str(w, model);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("message");
  w.StartObject();
  w.Key("role");
  w.String("assistant");
  w.Key("content");
}

// OpenAI's usage object, as the translated answers write it. OpenAI's prompt_tokens counts every
// prompt token, cached ones included, and completion_tokens counts reasoning tokens; the
// details objects appear only when the provider reported what they hold.
struct OpenAiUsage {
  int64_t prompt = 0;
  int64_t completion = 0;
  int64_t total = -1;     // -1: prompt + completion
  int64_t cached = -1;    // prompt_tokens_details.cached_tokens; -1: not reported
  int64_t reasoning = 0;  // completion_tokens_details.reasoning_tokens, written when > 0
};

inline void write_usage(Writer& w, const OpenAiUsage& u) {
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int64(u.prompt);
  w.Key("completion_tokens");
  w.Int64(u.completion);
  w.Key("total_tokens");
  w.Int64(u.total >= 0 ? u.total : u.prompt + u.completion);
  if (u.cached >= 0) {
    w.Key("prompt_tokens_details");
    w.StartObject();
    w.Key("cached_tokens");
    w.Int64(u.cached);
    w.EndObject();
  }
  if (u.reasoning > 0) {
    w.Key("completion_tokens_details");
    w.StartObject();
    w.Key("reasoning_tokens");
    w.Int64(u.reasoning);
    w.EndObject();
  }
  w.EndObject();
}

// OpenAI's "stop" (a string or an array of strings) as an array under `key`, when present.
inline void write_stop_sequences(Writer& w, const Value& request, const char* key) {
  const Value* stop = member(request, "stop");
  if (stop == nullptr || !(stop->IsString() || stop->IsArray())) return;
  w.Key(key);
  w.StartArray();
  if (stop->IsString()) {
    str(w, sv(*stop));
  } else {
    for (const auto& s : stop->GetArray()) {
      if (s.IsString()) str(w, sv(s));
    }
  }
  w.EndArray();
}

// The SSE event that ends a translated stream the provider broke: an OpenAI error object with
// code upstream_stream_failed.
inline std::string stream_failure_event(std::string_view message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  str(w, message);
  w.Key("type");
  w.String("upstream_error");
  w.Key("param");
  w.Null();
  w.Key("code");
  w.String("upstream_stream_failed");
  w.EndObject();
  w.EndObject();
  return "data: " + buffer_string(b) + "\n\n";
}

}  // namespace sparouter::runtime::json_io
