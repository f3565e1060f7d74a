#include "runtime/anthropic.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "runtime/json_io.hpp"

namespace sparouter::runtime::anthropic {

namespace {
using namespace json_io;
constexpr int64_t kDefaultMaxTokens = 4096;

// An image_url part as an Anthropic image block: data: URLs become base64 sources.
void write_image(Writer& w, std::string_view url) {
  w.StartObject();
  w.Key("type");
  w.String("image");
  w.Key("source");
  w.StartObject();
  const size_t comma = url.find(',');
  if (url.substr(0, 5) == "data:" && comma != std::string_view::npos) {
    std::string_view meta = url.substr(5, comma - 5);  // "image/png;base64"
    w.Key("type");
    w.String("base64");
    w.Key("media_type");
    str(w, meta.substr(0, meta.find(';')));
    w.Key("data");
    str(w, url.substr(comma + 1));
  } else {
    w.Key("type");
    w.String("url");
    w.Key("url");
    str(w, url);
  }
  w.EndObject();
  w.EndObject();
}

void write_content_blocks(Writer& w, const Value& content) {
  w.StartArray();
  if (content.IsString()) {
    w.StartObject();
    w.Key("type");
    w.String("text");
    w.Key("text");
    str(w, sv(content));
    w.EndObject();
  } else if (content.IsArray()) {
    for (const auto& part : content.GetArray()) {
      const std::string_view type = string_member(part, "type");
      if (type == "text") {
        w.StartObject();
        w.Key("type");
        w.String("text");
        w.Key("text");
        str(w, string_member(part, "text"));
        w.EndObject();
      } else if (type == "image_url") {
        const Value* image = member(part, "image_url");
        std::string_view url = image
                                   ? (image->IsString() ? sv(*image) : string_member(*image, "url"))
                                   : std::string_view{};
        if (!url.empty()) write_image(w, url);
      }
    }
  }
  w.EndArray();
}

// An assistant message: its text, then one tool_use block per tool call.
void write_assistant(Writer& w, const Value& m) {
  w.StartObject();
  w.Key("role");
  w.String("assistant");
  w.Key("content");
  w.StartArray();
  const Value* content = member(m, "content");
  const std::string text = content ? text_of(*content) : std::string();
  if (!text.empty()) {
    w.StartObject();
    w.Key("type");
    w.String("text");
    w.Key("text");
    str(w, text);
    w.EndObject();
  }
  const Value* calls = member(m, "tool_calls");
  if (calls && calls->IsArray()) {
    for (const auto& call : calls->GetArray()) {
      const Value* fn = member(call, "function");
      w.StartObject();
      w.Key("type");
      w.String("tool_use");
      w.Key("id");
      str(w, string_member(call, "id"));
      w.Key("name");
      str(w, fn ? string_member(*fn, "name") : std::string_view{});
      w.Key("input");
      Document args;
      const std::string_view raw = fn ? string_member(*fn, "arguments") : std::string_view{};
      args.Parse(raw.data(), raw.size());
      if (args.HasParseError() || !args.IsObject()) {
        w.StartObject();
        w.EndObject();
      } else {
        args.Accept(w);
      }
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
}

void write_tool_result(Writer& w, const Value& m) {
  w.StartObject();
  w.Key("role");
  w.String("user");
  w.Key("content");
  w.StartArray();
  w.StartObject();
  w.Key("type");
  w.String("tool_result");
  w.Key("tool_use_id");
  str(w, string_member(m, "tool_call_id"));
  w.Key("content");
  const Value* content = member(m, "content");
  str(w, content ? text_of(*content) : std::string());
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

void write_tools(Writer& w, const Value& tools) {
  w.Key("tools");
  w.StartArray();
  for (const auto& t : tools.GetArray()) {
    const Value* fn = member(t, "function");
    if (fn == nullptr) continue;
    w.StartObject();
    w.Key("name");
    str(w, string_member(*fn, "name"));
    const std::string_view description = string_member(*fn, "description");
    if (!description.empty()) {
      w.Key("description");
      str(w, description);
    }
    w.Key("input_schema");
    const Value* params = member(*fn, "parameters");
    if (params && params->IsObject()) {
      params->Accept(w);
    } else {
      w.StartObject();
      w.Key("type");
      w.String("object");
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

void write_tool_choice(Writer& w, const Value& choice) {
  w.Key("tool_choice");
  w.StartObject();
  w.Key("type");
  if (choice.IsString() && sv(choice) == "required") {
    w.String("any");
  } else if (choice.IsObject()) {
    const Value* fn = member(choice, "function");
    w.String("tool");
    w.Key("name");
    str(w, fn ? string_member(*fn, "name") : std::string_view{});
  } else {
    w.String("auto");
  }
  w.EndObject();
}

// Anthropic answers with one message: n > 1 is refused rather than answered with one choice.
bool one_choice(const Value* n) {
  return n == nullptr || n->IsNull() || (n->IsNumber() && n->GetDouble() == 1);
}

}  // namespace

Result<std::string> translate_request(std::string_view openai_body, std::string_view model,
                                      bool stream) {
  Document d;
  d.Parse(openai_body.data(), openai_body.size());
  if (d.HasParseError() || !d.IsObject()) return invalid("", "the body is not a JSON object");
  const Value* messages = member(d, "messages");
  if (messages == nullptr || !messages->IsArray())
    return invalid("messages", "messages is required");
  if (!one_choice(member(d, "n"))) {
    return invalid("n", "anthropic deployments answer with one choice: n must be 1");
  }

  const std::string system = system_text(*messages);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("model");
  str(w, model);
  w.Key("max_tokens");
  const Value* max_tokens = member(d, "max_completion_tokens");
  if (max_tokens == nullptr || !max_tokens->IsInt64()) max_tokens = member(d, "max_tokens");
  w.Int64(max_tokens && max_tokens->IsInt64() ? max_tokens->GetInt64() : kDefaultMaxTokens);
  if (!system.empty()) {
    w.Key("system");
    str(w, system);
  }
  w.Key("messages");
  w.StartArray();
  for (const auto& m : messages->GetArray()) {
    const std::string_view role = string_member(m, "role");
    if (role == "system" || role == "developer") continue;
    if (role == "assistant") {
      write_assistant(w, m);
    } else if (role == "tool") {
      write_tool_result(w, m);
    } else {
      w.StartObject();
      w.Key("role");
      w.String("user");
      w.Key("content");
      const Value* content = member(m, "content");
      if (content && content->IsString()) {
        str(w, sv(*content));
      } else if (content) {
        write_content_blocks(w, *content);
      } else {
        w.String("");
      }
      w.EndObject();
    }
  }
  w.EndArray();
  for (const char* name : {"temperature", "top_p"}) {
    const Value* v = member(d, name);
    if (v && v->IsNumber()) {
      w.Key(name);
      w.Double(v->GetDouble());
    }
  }
  write_stop_sequences(w, d, "stop_sequences");
  const Value* tool_choice = member(d, "tool_choice");
  const bool no_tools = tool_choice && tool_choice->IsString() && sv(*tool_choice) == "none";
  if (const Value* tools = member(d, "tools"); tools && tools->IsArray() && !no_tools) {
    write_tools(w, *tools);
    if (tool_choice) write_tool_choice(w, *tool_choice);
  }
  if (const Value* user = member(d, "user"); user && user->IsString()) {
    w.Key("metadata");
    w.StartObject();
    w.Key("user_id");
    str(w, sv(*user));
    w.EndObject();
  }
  if (stream) {
    w.Key("stream");
    w.Bool(true);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

namespace {
std::string_view finish_reason(std::string_view stop_reason) {
  if (stop_reason == "max_tokens") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  return "stop";  // end_turn, stop_sequence, anything new
}

// A token count of an Anthropic usage object into `into`, when it holds one.
void read_count(const Value* usage, const char* name, int64_t& into) {
  const Value* v = usage ? member(*usage, name) : nullptr;
  if (v && v->IsInt64()) into = v->GetInt64();
}

// The counts an Anthropic usage object holds over `into` (the others are left as they were).
void read_counts(const Value* usage, TokenCounts& into) {
  read_count(usage, "input_tokens", into.input);
  read_count(usage, "cache_creation_input_tokens", into.cache_creation);
  read_count(usage, "cache_read_input_tokens", into.cache_read);
  read_count(usage, "output_tokens", into.output);
}

// OpenAI's usage for Anthropic's counts: a count never reported is 0, and cached_tokens is
// written only when the cache reads were reported.
void write_usage(Writer& w, const TokenCounts& t) {
  json_io::OpenAiUsage u;
  u.prompt = std::max<int64_t>(t.input, 0) + std::max<int64_t>(t.cache_creation, 0) +
             std::max<int64_t>(t.cache_read, 0);
  u.completion = std::max<int64_t>(t.output, 0);
  u.cached = t.cache_read;
  json_io::write_usage(w, u);
}
}  // namespace

Result<std::string> translate_response(std::string_view anthropic_body, int64_t now) {
  Document d;
  d.Parse(anthropic_body.data(), anthropic_body.size());
  if (d.HasParseError() || !d.IsObject()) return invalid("", "the answer is not a JSON object");
  const Value* content = member(d, "content");
  if (content == nullptr || !content->IsArray())
    return invalid("content", "no content in the answer");
  std::string text;
  for (const auto& block : content->GetArray()) {
    if (string_member(block, "type") == "text") text += string_member(block, "text");
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  begin_chat_completion(w, string_member(d, "id"), now, string_member(d, "model"));
  str(w, text);
  bool tools = false;
  for (const auto& block : content->GetArray()) {
    if (string_member(block, "type") != "tool_use") continue;
    if (!tools) {
      w.Key("tool_calls");
      w.StartArray();
      tools = true;
    }
    w.StartObject();
    w.Key("id");
    str(w, string_member(block, "id"));
    w.Key("type");
    w.String("function");
    w.Key("function");
    w.StartObject();
    w.Key("name");
    str(w, string_member(block, "name"));
    w.Key("arguments");
    rapidjson::StringBuffer args;
    Writer aw(args);
    if (const Value* input = member(block, "input")) {
      input->Accept(aw);
    } else {
      aw.StartObject();
      aw.EndObject();
    }
    w.String(args.GetString(), static_cast<rapidjson::SizeType>(args.GetSize()));
    w.EndObject();
    w.EndObject();
  }
  if (tools) w.EndArray();
  w.EndObject();
  w.Key("finish_reason");
  str(w, finish_reason(string_member(d, "stop_reason")));
  w.EndObject();
  w.EndArray();
  if (const Value* usage = member(d, "usage")) {
    TokenCounts counts;
    read_counts(usage, counts);
    w.Key("usage");
    write_usage(w, counts);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string translate_error(std::string_view anthropic_body) {
  Document d;
  d.Parse(anthropic_body.data(), anthropic_body.size());
  const Value* error = d.HasParseError() ? nullptr : member(d, "error");
  if (error == nullptr || !error->IsObject()) return {};
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  str(w, string_member(*error, "message"));
  w.Key("type");
  const std::string_view type = string_member(*error, "type");
  str(w, type.empty() ? std::string_view("invalid_request_error") : type);
  w.Key("param");
  w.Null();
  w.Key("code");
  w.Null();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- streaming ----

std::string StreamTranslator::head() const {
  auto escaped = [](std::string_view text) {
    rapidjson::StringBuffer b;
    Writer w(b);
    str(w, text);
    return buffer_string(b);
  };
  std::string out = "data: {\"id\":";
  out += escaped(id_);
  out += ",\"object\":\"chat.completion.chunk\",\"created\":";
  out += std::to_string(created_);
  out += ",\"model\":";
  out += escaped(model_);
  out += ",\"choices\":";
  return out;
}

std::string StreamTranslator::chunk(std::string_view delta_json, std::string_view finish) {
  std::string out = head();
  out += "[{\"index\":0,\"delta\":";
  out += delta_json;
  out += ",\"finish_reason\":";
  if (finish.empty()) {
    out += "null";
  } else {
    out += '"';
    out += finish;
    out += '"';
  }
  out += "}]";
  if (include_usage_) out += ",\"usage\":null";  // OpenAI's: null on all but the last chunk
  out += "}\n\n";
  return out;
}

// OpenAI's last chunk for include_usage: no choices, the usage of the whole request. A count
// the upstream left out is 0, as in a whole answer.
std::string StreamTranslator::usage_chunk() const {
  rapidjson::StringBuffer b;
  Writer w(b);
  write_usage(w, tokens_);
  return head() + "[],\"usage\":" + buffer_string(b) + "}\n\n";
}

std::string StreamTranslator::feed(std::string_view bytes) {
  std::string out;
  if (done_ || failed_) return out;
  splitter_.feed(bytes);
  while (auto event = splitter_.next()) {
    const http::SseEvent e = http::parse_sse_event(*event);
    out += on_event(e.event, e.data);
    if (done_ || failed_) break;
  }
  if (splitter_.overflow()) failed_ = true;
  return out;
}

std::string StreamTranslator::on_event(std::string_view type, std::string_view data) {
  if (type == "ping" || data.empty()) return {};
  Document d;
  d.Parse(data.data(), data.size());
  if (d.HasParseError() || !d.IsObject()) {
    failed_ = true;
    return {};
  }
  if (type.empty()) type = string_member(d, "type");
  auto json = [](auto&& fill) {
    rapidjson::StringBuffer b;
    Writer w(b);
    fill(w);
    return std::string(b.GetString(), b.GetSize());
  };
  if (type == "message_start") {
    if (const Value* m = member(d, "message")) {
      id_ = std::string(string_member(*m, "id"));
      model_ = std::string(string_member(*m, "model"));
      read_counts(member(*m, "usage"), tokens_);
    }
    return chunk(R"({"role":"assistant","content":""})", "");
  }
  if (type == "content_block_start") {
    const Value* block = member(d, "content_block");
    if (block && string_member(*block, "type") == "tool_use") {
      current_tool_ = tool_calls_++;
      const std::string delta = json([&](Writer& w) {
        w.StartObject();
        w.Key("tool_calls");
        w.StartArray();
        w.StartObject();
        w.Key("index");
        w.Int(current_tool_);
        w.Key("id");
        str(w, string_member(*block, "id"));
        w.Key("type");
        w.String("function");
        w.Key("function");
        w.StartObject();
        w.Key("name");
        str(w, string_member(*block, "name"));
        w.Key("arguments");
        w.String("");
        w.EndObject();
        w.EndObject();
        w.EndArray();
        w.EndObject();
      });
      return chunk(delta, "");
    }
    current_tool_ = -1;
    return {};
  }
  if (type == "content_block_delta") {
    const Value* delta = member(d, "delta");
    if (delta == nullptr) return {};
    const std::string_view kind = string_member(*delta, "type");
    if (kind == "text_delta") {
      const std::string body = json([&](Writer& w) {
        w.StartObject();
        w.Key("content");
        str(w, string_member(*delta, "text"));
        w.EndObject();
      });
      return chunk(body, "");
    }
    if (kind == "input_json_delta" && current_tool_ >= 0) {
      const std::string body = json([&](Writer& w) {
        w.StartObject();
        w.Key("tool_calls");
        w.StartArray();
        w.StartObject();
        w.Key("index");
        w.Int(current_tool_);
        w.Key("function");
        w.StartObject();
        w.Key("arguments");
        str(w, string_member(*delta, "partial_json"));
        w.EndObject();
        w.EndObject();
        w.EndArray();
        w.EndObject();
      });
      return chunk(body, "");
    }
    return {};
  }
  if (type == "message_delta") {
    read_counts(member(d, "usage"), tokens_);  // running totals; prompt counts may come again
    const Value* delta = member(d, "delta");
    const std::string_view stop = delta ? string_member(*delta, "stop_reason") : std::string_view{};
    if (stop.empty()) return {};
    return chunk("{}", finish_reason(stop));
  }
  if (type == "message_stop") {
    done_ = true;
    if (include_usage_ && tokens_.reported()) return usage_chunk() + "data: [DONE]\n\n";
    return "data: [DONE]\n\n";
  }
  if (type == "error") {
    failed_ = true;
    const Value* error = member(d, "error");
    const std::string message =
        error ? std::string(string_member(*error, "message")) : std::string("upstream error");
    return stream_failure_event(message);
  }
  return {};  // content_block_stop and events we do not know
}

}  // namespace sparouter::runtime::anthropic
