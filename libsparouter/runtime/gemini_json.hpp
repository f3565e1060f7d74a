// Small rapidjson helpers shared by the Gemini translation files (request, answer, stream):
// lookups that tolerate missing or mistyped members, since both sides' bodies are untrusted.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sparouter::runtime::gemini::detail {

using rapidjson::Document;
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
inline std::string json_of(const Value& v) {
  rapidjson::StringBuffer b;
  Writer w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}
inline std::string buffer_string(const rapidjson::StringBuffer& b) {
  return std::string(b.GetString(), b.GetSize());
}

// Thought signatures: an OpenAI tool call carries Gemini's thoughtSignature where Google's own
// OpenAI-compatible endpoint puts it, tool_calls[i].extra_content.google.thought_signature.
// Clients that keep a tool call as they got it send it back, which Gemini 3 requires in later
// turns; the id stays short, as providers a fallback may reach limit its length.

}  // namespace sparouter::runtime::gemini::detail
