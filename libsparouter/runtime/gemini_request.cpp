// OpenAI chat body -> Gemini GenerateContentRequest (see gemini.hpp for what maps to what).
#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include "http/url.hpp"
#include "runtime/gemini.hpp"
#include "runtime/gemini_answer.hpp"
#include "runtime/json_io.hpp"

namespace sparouter::runtime::gemini {

using namespace detail;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string at(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

// Gemini refuses an empty text part (400 "empty text parameter"): an empty text is left out.
void text_part(Writer& w, std::string_view text) {
  if (text.empty()) return;
  w.StartObject();
  w.Key("text");
  str(w, text);
  w.EndObject();
}

// A data: URL as inlineData. Gemini fetches no URLs for generateContent (fileData wants its
// own uploaded files), so any other image is refused rather than dropped.
Status image_part(Writer& w, const Value& part, const std::string& param) {
  const Value* image = member(part, "image_url");
  const std::string_view url =
      image ? (image->IsString() ? sv(*image) : string_member(*image, "url")) : std::string_view{};
  const size_t comma = url.find(',');
  const std::string_view meta = comma == std::string_view::npos
                                    ? std::string_view{}
                                    : url.substr(5, comma - 5);  // "image/png;base64"
  if (url.substr(0, 5) != "data:" || !ends_with(meta, ";base64")) {
    return invalid(param + ".image_url",
                   "gemini deployments take images only as base64 data: URLs");
  }
  w.StartObject();
  w.Key("inlineData");
  w.StartObject();
  w.Key("mimeType");
  str(w, meta.substr(0, meta.find(';')));
  w.Key("data");
  str(w, url.substr(comma + 1));
  w.EndObject();
  w.EndObject();
  return {};
}

// A user message's content as parts.
Status user_parts(Writer& w, const Value* content, const std::string& param) {
  if (content == nullptr || content->IsNull()) return {};
  if (content->IsString()) {
    text_part(w, sv(*content));
  } else if (content->IsArray()) {
    size_t j = 0;
    for (const auto& part : content->GetArray()) {
      const std::string p = at(param, j++);
      const std::string_view type = string_member(part, "type");
      if (type == "text") {
        text_part(w, string_member(part, "text"));
      } else if (type == "image_url") {
        if (Status s = image_part(w, part, p); !s.ok()) return s;
      } else {
        return invalid(p + ".type", "content part type \"" + std::string(type) +
                                        "\" is not supported for gemini deployments");
      }
    }
  } else {
    return invalid(param, "content must be a string or an array of parts");
  }
  return {};
}

// Gemini 3 and later refuse a function call in the history without the thoughtSignature the
// model sent with it (see "Thought signatures" in gemini.hpp). For calls that lost theirs (a
// client that kept only the standard fields, a history from another model) Google documents this
// placeholder.
constexpr std::string_view kSkipSignature = "skip_thought_signature_validator";

bool gemini3_or_later(std::string_view model) {
  const size_t at = model.find("gemini-");
  return at != std::string_view::npos && at + 7 < model.size() && model[at + 7] >= '3' &&
         model[at + 7] <= '9';
}

std::string_view signature_of(const Value& call) {
  const Value* extra = member(call, "extra_content");
  const Value* google = extra ? member(*extra, "google") : nullptr;
  return google ? string_member(*google, "thought_signature") : std::string_view{};
}

// An assistant message: its text, then a functionCall part per tool call, with its thought
// signature (the first call of a turn gets the placeholder when it has none and `placeholder`).
// Remembers the calls' names, which a functionResponse needs and an OpenAI tool message lacks.
Status model_parts(Writer& w, const Value& m, const std::string& param, bool placeholder,
                   std::map<std::string, std::string, std::less<>>& names) {
  const Value* content = member(m, "content");
  const std::string text = content ? text_of(*content) : std::string();
  const Value* calls = member(m, "tool_calls");
  const bool has_calls = calls && calls->IsArray() && !calls->GetArray().Empty();
  text_part(w, text);
  if (!has_calls) return {};
  size_t j = 0;
  for (const auto& call : calls->GetArray()) {
    const std::string p = at(param + ".tool_calls", j++);
    const Value* fn = member(call, "function");
    const std::string_view name = fn ? string_member(*fn, "name") : std::string_view{};
    if (name.empty()) return invalid(p + ".function.name", "a tool call needs a function name");
    const std::string_view id = string_member(call, "id");
    names[std::string(id)] = std::string(name);
    Document args;
    const std::string_view raw = fn ? string_member(*fn, "arguments") : std::string_view{};
    args.Parse(raw.data(), raw.size());
    if (!raw.empty() && (args.HasParseError() || !args.IsObject())) {
      return invalid(p + ".function.arguments", "tool call arguments must be a JSON object");
    }
    w.StartObject();
    w.Key("functionCall");
    w.StartObject();
    w.Key("name");
    str(w, name);
    w.Key("args");
    if (raw.empty()) {
      w.StartObject();
      w.EndObject();
    } else {
      args.Accept(w);
    }
    w.EndObject();
    std::string_view signature = signature_of(call);
    if (signature.empty() && placeholder && j == 1) signature = kSkipSignature;
    if (!signature.empty()) {
      w.Key("thoughtSignature");
      str(w, signature);
    }
    w.EndObject();
  }
  return {};
}

// A tool (or legacy function) result as a functionResponse part. Its response must be an
// object: a JSON object result goes as it is, anything else as {"content": text}.
Status function_response(Writer& w, const Value& m, const std::string& param,
                         const std::map<std::string, std::string, std::less<>>& names) {
  std::string name;
  if (string_member(m, "role") == "function") {
    name = std::string(string_member(m, "name"));
  } else {
    auto it = names.find(string_member(m, "tool_call_id"));
    if (it != names.end()) name = it->second;
  }
  if (name.empty()) {
    return invalid(param + ".tool_call_id",
                   "a tool result must answer a tool call of an earlier assistant message");
  }
  const Value* content = member(m, "content");
  const std::string text = content ? text_of(*content) : std::string();
  Document result;
  result.Parse(text.data(), text.size());
  w.StartObject();
  w.Key("functionResponse");
  w.StartObject();
  w.Key("name");
  str(w, name);
  w.Key("response");
  if (!result.HasParseError() && result.IsObject()) {
    result.Accept(w);
  } else {
    w.StartObject();
    w.Key("content");
    str(w, text);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return {};
}

// "contents": one entry per message; consecutive tool results share one user turn, as Gemini
// expects all responses to one model turn together. `turns` gets the number of entries.
Status write_contents(Writer& w, const Value& messages, std::string_view model, size_t& turns) {
  std::map<std::string, std::string, std::less<>> names;
  bool in_tool_turn = false;
  auto close_tool_turn = [&] {
    if (!in_tool_turn) return;
    w.EndArray();
    w.EndObject();
    in_tool_turn = false;
  };
  w.Key("contents");
  w.StartArray();
  size_t i = 0;
  turns = 0;
  for (const auto& m : messages.GetArray()) {
    const std::string param = at("messages", i++);
    const std::string_view role = string_member(m, "role");
    if (role == "system" || role == "developer") continue;
    if (role == "tool" || role == "function") {
      if (!in_tool_turn) {
        ++turns;
        w.StartObject();
        w.Key("role");
        w.String("user");
        w.Key("parts");
        w.StartArray();
        in_tool_turn = true;
      }
      if (Status s = function_response(w, m, param, names); !s.ok()) return s;
      continue;
    }
    close_tool_turn();
    if (role != "user" && role != "assistant") {
      return invalid(param + ".role", "unknown role \"" + std::string(role) + "\"");
    }
    rapidjson::StringBuffer parts_buf;
    Writer parts(parts_buf);
    parts.StartArray();
    Status s = role == "user" ? user_parts(parts, member(m, "content"), param + ".content")
                              : model_parts(parts, m, param, gemini3_or_later(model), names);
    if (!s.ok()) return s;
    parts.EndArray();
    if (parts_buf.GetSize() == 2) continue;  // "[]": nothing to say, and Gemini wants no empty turn
    ++turns;
    w.StartObject();
    w.Key("role");
    w.String(role == "user" ? "user" : "model");
    w.Key("parts");
    w.RawValue(parts_buf.GetString(), parts_buf.GetSize(), rapidjson::kArrayType);
    w.EndObject();
  }
  close_tool_turn();
  w.EndArray();
  return {};
}

Status write_tools(Writer& w, const Value& tools, const Value* choice) {
  w.Key("tools");
  w.StartArray();
  w.StartObject();
  w.Key("functionDeclarations");
  w.StartArray();
  size_t i = 0;
  for (const auto& t : tools.GetArray()) {
    const std::string p = at("tools", i++);
    const Value* fn = member(t, "function");
    if (string_member(t, "type") != "function" || fn == nullptr) {
      return invalid(p + ".type", "gemini deployments take only function tools");
    }
    w.StartObject();
    w.Key("name");
    str(w, string_member(*fn, "name"));
    if (const std::string_view d = string_member(*fn, "description"); !d.empty()) {
      w.Key("description");
      str(w, d);
    }
    // parametersJsonSchema takes JSON Schema as OpenAI clients write it; "parameters" would
    // want Gemini's OpenAPI subset and refuse common keywords.
    if (const Value* params = member(*fn, "parameters"); params && params->IsObject()) {
      w.Key("parametersJsonSchema");
      params->Accept(w);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndArray();
  if (choice == nullptr) return {};
  w.Key("toolConfig");
  w.StartObject();
  w.Key("functionCallingConfig");
  w.StartObject();
  w.Key("mode");
  if (choice->IsString() &&
      (sv(*choice) == "auto" || sv(*choice) == "none" || sv(*choice) == "required")) {
    w.String(sv(*choice) == "auto" ? "AUTO" : sv(*choice) == "none" ? "NONE" : "ANY");
  } else if (const Value* fn = member(*choice, "function");
             fn && !string_member(*fn, "name").empty()) {
    w.String("ANY");
    w.Key("allowedFunctionNames");
    w.StartArray();
    str(w, string_member(*fn, "name"));
    w.EndArray();
  } else {
    return invalid("tool_choice", "tool_choice must be auto, none, required or a function");
  }
  w.EndObject();
  w.EndObject();
  return {};
}

// The generationConfig object's members (the caller leaves out an empty one).
// reasoning_effort: Gemini 3 takes it as a thinking level; earlier models take a token budget,
// mapped as Google's own OpenAI-compatible endpoint maps it (low 1K, medium 8K, high 24K, none
// off; minimal, which that endpoint lacks, as low).
Status write_thinking(Writer& w, const Document& d, std::string_view model) {
  const Value* v = member(d, "reasoning_effort");
  if (v == nullptr || v->IsNull()) return {};
  static constexpr std::pair<std::string_view, int> kBudgets[] = {
      {"none", 0}, {"minimal", 1024}, {"low", 1024}, {"medium", 8192}, {"high", 24576}};
  const std::string_view effort =
      v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : std::string_view();
  const auto* hit = std::find_if(std::begin(kBudgets), std::end(kBudgets),
                                 [effort](const auto& b) { return b.first == effort; });
  if (hit == std::end(kBudgets)) {
    return invalid("reasoning_effort", "reasoning_effort must be none, minimal, low, medium or high");
  }
  const bool levels = gemini3_or_later(model);
  if (levels && effort == "none") {
    return invalid("reasoning_effort", "gemini 3 models cannot turn thinking off: use minimal or low");
  }
  w.Key("thinkingConfig");
  w.StartObject();
  if (levels) {
    w.Key("thinkingLevel");
    w.String(effort.data(), static_cast<rapidjson::SizeType>(effort.size()));
  } else {
    w.Key("thinkingBudget");
    w.Int(hit->second);
  }
  w.EndObject();
  return {};
}

Status write_generation_config(Writer& w, const Document& d, std::string_view model) {
  w.StartObject();
  static constexpr std::pair<const char*, const char*> kNumbers[] = {
      {"temperature", "temperature"},
      {"top_p", "topP"},
      {"presence_penalty", "presencePenalty"},
      {"frequency_penalty", "frequencyPenalty"}};
  for (const auto& [from, to] : kNumbers) {
    if (const Value* v = member(d, from); v && v->IsNumber()) {
      w.Key(to);
      w.Double(v->GetDouble());
    }
  }
  if (const Value* seed = member(d, "seed"); seed && seed->IsInt64()) {
    w.Key("seed");
    w.Int64(seed->GetInt64());
  }
  const Value* max_tokens = member(d, "max_completion_tokens");
  if (max_tokens == nullptr || !max_tokens->IsInt64()) max_tokens = member(d, "max_tokens");
  if (max_tokens && max_tokens->IsInt64()) {
    w.Key("maxOutputTokens");
    w.Int64(max_tokens->GetInt64());
  }
  write_stop_sequences(w, d, "stopSequences");
  if (const Value* format = member(d, "response_format")) {
    const std::string_view type = string_member(*format, "type");
    if (type == "json_object" || type == "json_schema") {
      w.Key("responseMimeType");
      w.String("application/json");
      const Value* schema = member(*format, "json_schema");
      if (schema) schema = member(*schema, "schema");
      if (schema && schema->IsObject()) {
        w.Key("responseJsonSchema");
        schema->Accept(w);
      }
    } else if (!type.empty() && type != "text") {
      return invalid("response_format.type", "unknown response_format type");
    }
  }
  if (Status s = write_thinking(w, d, model); !s.ok()) return s;
  w.EndObject();
  return {};
}
}  // namespace

std::string request_path(std::string_view base_url, std::string_view model, bool stream) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  if (model.substr(0, 7) == "models/") model.remove_prefix(7);  // as the model list names them
  std::string path =
      ends_with(base_url, "/v1beta") || ends_with(base_url, "/v1") ? "/models/" : "/v1beta/models/";
  path += http::percent_encode_segment(model);
  path += stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  return path;
}

Result<std::string> translate_request(std::string_view openai_body, std::string_view model) {
  Document d;
  d.Parse(openai_body.data(), openai_body.size());
  if (d.HasParseError() || !d.IsObject()) return invalid("", "the body is not a JSON object");
  const Value* messages = member(d, "messages");
  if (messages == nullptr || !messages->IsArray())
    return invalid("messages", "messages is required");
  if (const Value* n = member(d, "n"); n && n->IsInt64() && n->GetInt64() > 1) {
    return invalid("n", "gemini deployments answer with one choice: n must be 1");
  }
  for (const char* name : {"logprobs", "top_logprobs"}) {
    const Value* v = member(d, name);
    if (v && !v->IsNull() && !(v->IsBool() && !v->GetBool())) {
      return invalid(name, std::string(name) + " is not supported for gemini deployments");
    }
  }

  const std::string system = system_text(*messages);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  size_t turns = 0;
  if (Status s = write_contents(w, *messages, model, turns); !s.ok()) return s;
  if (!system.empty()) {
    w.Key("systemInstruction");
    w.StartObject();
    w.Key("parts");
    w.StartArray();
    text_part(w, system);
    w.EndArray();
    w.EndObject();
  }
  rapidjson::StringBuffer config_buf;
  Writer config(config_buf);
  if (Status s = write_generation_config(config, d, model); !s.ok()) return s;
  if (config_buf.GetSize() > 2) {  // more than "{}"
    w.Key("generationConfig");
    w.RawValue(config_buf.GetString(), config_buf.GetSize(), rapidjson::kObjectType);
  }
  const Value* tool_choice = member(d, "tool_choice");
  if (const Value* tools = member(d, "tools"); tools && tools->IsArray() && !tools->Empty()) {
    if (Status s = write_tools(w, *tools, tool_choice); !s.ok()) return s;
  }
  // Gemini refuses a request without contents (a system prompt alone, or only empty
  // messages): say so here rather than make a call that cannot succeed.
  if (turns == 0) {
    return invalid("messages", "gemini deployments need a non-empty user or assistant message");
  }
  w.EndObject();
  return buffer_string(buf);
}

}  // namespace sparouter::runtime::gemini
