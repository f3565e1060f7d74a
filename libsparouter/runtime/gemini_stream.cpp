// Gemini streamGenerateContent?alt=sse -> OpenAI chat.completion.chunk events, event by event.
// Each Gemini event is a whole GenerateContentResponse holding the next piece of the answer;
// the one with a finishReason is the last. Its usageMetadata (the running count, on every
// event) becomes OpenAI's separate usage chunk when the client asked for stream usage.
#include "runtime/gemini.hpp"
#include "runtime/gemini_answer.hpp"
#include "runtime/json_io.hpp"

namespace sparouter::runtime::gemini {

using namespace detail;

namespace {
// A chat.completion.chunk object up to its "choices" key.
void begin_chunk(Writer& w, std::string_view id, int64_t created, std::string_view model) {
  w.StartObject();
  w.Key("id");
  str(w, id);
  w.Key("object");
  w.String("chat.completion.chunk");
  w.Key("created");
  w.Int64(created);
  w.Key("model");
  str(w, model);
}
}  // namespace

std::string StreamTranslator::chunk(std::string_view delta_json, std::string_view end_reason) {
  rapidjson::StringBuffer b;
  Writer w(b);
  begin_chunk(w, id_, created_, model_);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("delta");
  w.RawValue(delta_json.data(), delta_json.size(), rapidjson::kObjectType);
  w.Key("finish_reason");
  if (end_reason.empty()) {
    w.Null();
  } else {
    str(w, end_reason);
  }
  w.EndObject();
  w.EndArray();
  if (include_usage_) {  // OpenAI's: null on all but the usage chunk
    w.Key("usage");
    w.Null();
  }
  w.EndObject();
  return "data: " + buffer_string(b) + "\n\n";
}

// OpenAI's last chunk for include_usage: no choices, the usage of the whole request.
std::string StreamTranslator::usage_chunk() const {
  rapidjson::StringBuffer b;
  Writer w(b);
  begin_chunk(w, id_, created_, model_);
  w.Key("choices");
  w.StartArray();
  w.EndArray();
  w.Key("usage");
  w.RawValue(usage_.data(), usage_.size(), rapidjson::kObjectType);
  w.EndObject();
  return "data: " + buffer_string(b) + "\n\n";
}

std::string StreamTranslator::fail(std::string_view message) {
  failed_ = true;
  return stream_failure_event(message);
}

std::string StreamTranslator::feed(std::string_view bytes) {
  std::string out;
  if (done_ || failed_) return out;
  splitter_.feed(bytes);
  while (auto event = splitter_.next()) {
    const http::SseEvent e = http::parse_sse_event(*event);
    out += on_event(e.data);
    if (done_ || failed_) return out;
  }
  if (splitter_.overflow()) out += fail("the upstream stream is not server-sent events");
  return out;
}

std::string StreamTranslator::finish() {
  if (done_ || failed_) return {};
  std::string out;
  if (const std::string_view rest = splitter_.pending(); !rest.empty()) {
    const http::SseEvent e = http::parse_sse_event(rest);
    out += on_event(e.data);
    if (done_ || failed_) return out;
  }
  out += fail("the upstream stream ended before its last chunk");
  return out;
}

std::string StreamTranslator::on_event(std::string_view data) {
  if (data.empty()) return {};
  Document d;
  d.Parse(data.data(), data.size());
  if (d.HasParseError()) return fail("the upstream sent an unreadable event");
  const Value* body = d.IsArray() && !d.Empty() ? d.Begin() : &d;
  if (const Value* error = member(*body, "error"); error && error->IsObject()) {
    const std::string_view message = string_member(*error, "message");
    return fail(message.empty() ? std::string_view("upstream error") : message);
  }
  if (!body->IsObject()) return fail("the upstream sent an unreadable event");

  std::string out;
  if (!started_) {
    started_ = true;
    id_ = completion_id(*body, created_);
    out += chunk(R"({"role":"assistant","content":""})", "");
  }
  if (include_usage_) {
    if (std::string usage = usage_json(*body); !usage.empty()) usage_ = std::move(usage);
  }
  const CandidateView c = read_candidate(*body);
  if (!c.text.empty()) {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    w.Key("content");
    str(w, c.text);
    w.EndObject();
    out += chunk(buffer_string(b), "");
  }
  if (!c.calls.empty()) {  // Gemini sends each call whole: one delta carries all of it
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    w.Key("tool_calls");
    w.StartArray();
    for (const Value* part : c.calls) write_tool_call(w, *part, id_.substr(9), tool_calls_++, true);
    w.EndArray();
    w.EndObject();
    out += chunk(buffer_string(b), "");
  }
  const std::string_view reason = finish_reason(c.reason, tool_calls_ > 0);
  if (!reason.empty()) {
    out += chunk("{}", reason);
    if (include_usage_ && !usage_.empty()) out += usage_chunk();
    out += "data: [DONE]\n\n";
    done_ = true;
  }
  return out;
}

}  // namespace sparouter::runtime::gemini
