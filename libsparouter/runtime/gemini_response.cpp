// Gemini GenerateContentResponse and error bodies -> OpenAI chat.completion and error objects.
#include "runtime/gemini.hpp"
#include "runtime/gemini_answer.hpp"
#include "runtime/json_io.hpp"

namespace sparouter::runtime::gemini {

using namespace detail;

namespace detail {

std::string_view finish_reason(std::string_view reason, bool tool_calls) {
  if (reason.empty()) return {};
  if (reason == "MAX_TOKENS") return "length";
  if (reason == "SAFETY" || reason == "RECITATION" || reason == "BLOCKLIST" ||
      reason == "PROHIBITED_CONTENT" || reason == "SPII" || reason == "IMAGE_SAFETY") {
    return "content_filter";
  }
  // STOP, and the rest (OTHER, MALFORMED_FUNCTION_CALL, ...): the model stopped.
  return tool_calls ? "tool_calls" : "stop";
}

CandidateView read_candidate(const Value& response) {
  CandidateView out;
  const Value* candidates = member(response, "candidates");
  const Value* first =
      candidates && candidates->IsArray() && !candidates->Empty() ? candidates->Begin() : nullptr;
  if (first == nullptr) {
    // No candidate: the prompt itself was blocked (promptFeedback.blockReason).
    const Value* feedback = member(response, "promptFeedback");
    if (feedback && !string_member(*feedback, "blockReason").empty()) out.reason = "SAFETY";
    return out;
  }
  out.reason = string_member(*first, "finishReason");
  const Value* content = member(*first, "content");
  const Value* parts = content ? member(*content, "parts") : nullptr;
  if (parts == nullptr || !parts->IsArray()) return out;
  for (const auto& part : parts->GetArray()) {
    const Value* thought = member(part, "thought");
    if (thought && thought->IsBool() && thought->GetBool()) continue;  // thinking, not answer
    if (const Value* text = member(part, "text"); text && text->IsString()) {
      out.text += sv(*text);
    } else if (member(part, "functionCall") != nullptr) {
      out.calls.push_back(&part);
    }
  }
  return out;
}

void write_tool_call(Writer& w, const Value& part, std::string_view id_prefix, int index,
                     bool delta) {
  const Value& call = *member(part, "functionCall");
  w.StartObject();
  if (delta) {
    w.Key("index");
    w.Int(index);
  }
  w.Key("id");
  const std::string_view id = string_member(call, "id");
  str(w, id.empty() ? "call_" + std::string(id_prefix) + "_" + std::to_string(index)
                    : std::string(id));
  w.Key("type");
  w.String("function");
  w.Key("function");
  w.StartObject();
  w.Key("name");
  str(w, string_member(call, "name"));
  w.Key("arguments");
  const Value* args = member(call, "args");
  str(w, args && args->IsObject() ? json_of(*args) : std::string("{}"));
  w.EndObject();
  if (const std::string_view sig = string_member(part, "thoughtSignature"); !sig.empty()) {
    w.Key("extra_content");  // see "Thought signatures" in gemini.hpp
    w.StartObject();
    w.Key("google");
    w.StartObject();
    w.Key("thought_signature");
    str(w, sig);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
}

std::string usage_json(const Value& response) {
  const Value* usage = member(response, "usageMetadata");
  if (usage == nullptr || !usage->IsObject()) return {};
  json_io::OpenAiUsage u;
  u.prompt = int_member(*usage, "promptTokenCount");  // cached content included, as OpenAI's
  // OpenAI counts reasoning tokens as completion tokens; Gemini reports them apart.
  u.reasoning = int_member(*usage, "thoughtsTokenCount");
  u.completion = int_member(*usage, "candidatesTokenCount") + u.reasoning;
  const int64_t total = int_member(*usage, "totalTokenCount");
  if (total > 0) u.total = total;
  if (member(*usage, "cachedContentTokenCount") != nullptr) {
    u.cached = int_member(*usage, "cachedContentTokenCount");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  json_io::write_usage(w, u);
  return buffer_string(buf);
}

std::string completion_id(const Value& response, int64_t now) {
  const std::string_view id = string_member(response, "responseId");
  return "chatcmpl-" + (id.empty() ? std::to_string(now) : std::string(id));
}

}  // namespace detail

namespace {
// OpenAI's error object for a Gemini error value ({"code","message","status"}).
std::string error_object(const Value& error) {
  // google.rpc status names -> the error types of API.md (OpenAI's).
  const std::string_view status = string_member(error, "status");
  std::string_view type = "upstream_error";
  if (status == "INVALID_ARGUMENT" || status == "FAILED_PRECONDITION" || status == "OUT_OF_RANGE") {
    type = "invalid_request_error";
  } else if (status == "UNAUTHENTICATED") {
    type = "authentication_error";
  } else if (status == "PERMISSION_DENIED") {
    type = "permission_error";
  } else if (status == "NOT_FOUND") {
    type = "not_found_error";
  } else if (status == "RESOURCE_EXHAUSTED") {
    type = "rate_limit_error";
  }
  std::string code(status);
  for (char& ch : code) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  const std::string_view message = string_member(error, "message");
  str(w, message.empty() ? std::string_view("upstream error") : message);
  w.Key("type");
  str(w, type);
  w.Key("param");
  w.Null();
  w.Key("code");
  if (code.empty()) {
    w.Null();
  } else {
    str(w, code);
  }
  w.EndObject();
  w.EndObject();
  return buffer_string(buf);
}
}  // namespace

Result<std::string> translate_response(std::string_view gemini_body, std::string_view model,
                                       int64_t now) {
  Document d;
  d.Parse(gemini_body.data(), gemini_body.size());
  if (d.HasParseError() || !d.IsObject()) return invalid("", "the answer is not a JSON object");
  if (member(d, "candidates") == nullptr && member(d, "promptFeedback") == nullptr) {
    return invalid("candidates", "no candidates in the answer");
  }
  const CandidateView c = read_candidate(d);
  const std::string id = completion_id(d, now);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  begin_chat_completion(w, id, now, model);
  if (c.text.empty() && !c.calls.empty()) {
    w.Null();  // as OpenAI answers a pure tool call
  } else {
    str(w, c.text);
  }
  if (!c.calls.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    int n = 0;
    for (const Value* part : c.calls) write_tool_call(w, *part, id.substr(9), n++, false);
    w.EndArray();
  }
  w.EndObject();
  w.Key("finish_reason");
  const std::string_view finish = finish_reason(c.reason, !c.calls.empty());
  str(w, finish.empty() ? std::string_view("stop") : finish);
  w.EndObject();
  w.EndArray();
  if (const std::string usage = usage_json(d); !usage.empty()) {
    w.Key("usage");
    w.RawValue(usage.data(), usage.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return buffer_string(buf);
}

std::string translate_error(std::string_view gemini_body) {
  Document d;
  d.Parse(gemini_body.data(), gemini_body.size());
  if (d.HasParseError()) return {};
  // The streaming endpoints without alt=sse wrap the error in an array.
  const Value* body = d.IsArray() && !d.Empty() ? d.Begin() : &d;
  const Value* error = member(*body, "error");
  if (error == nullptr || !error->IsObject()) return {};
  return error_object(*error);
}

}  // namespace sparouter::runtime::gemini
