#include "classify/chat_text.hpp"

#include <simdjson.h>

#include <cstring>
#include <utility>

#include "classify/utf8.hpp"

namespace sparouter::classify {

namespace od = simdjson::ondemand;

const std::string& ChatText::scoped(Scope scope) const {
  switch (scope) {
    case Scope::kAllUser:
      return all_user;
    case Scope::kAll:
      return all;
    case Scope::kLastUser:
      break;
  }
  return last_user;
}

void ChatText::clear() {
  model.clear();
  model_offset = 0;
  model_length = 0;
  stream = false;
  has_tools = false;
  has_images = false;
  message_count = 0;
  last_user.clear();
  all_user.clear();
  all.clear();
}

namespace {

constexpr std::string_view kNotObject = "request body is not a JSON object";

Error not_object() { return invalid("", std::string(kNotObject)); }

Error bad_json(simdjson::error_code code) {
  return invalid("",
                 std::string("request body is not valid JSON: ") + simdjson::error_message(code));
}

std::string message_param(size_t index, std::string_view field = {}) {
  std::string p = "messages[" + std::to_string(index) + "]";
  if (!field.empty()) p.append(".").append(field);
  return p;
}

enum class Role { kNone, kSystem, kDeveloper, kUser, kAssistant, kTool, kFunction };

Role role_from(std::string_view s) {
  if (s == "user") return Role::kUser;
  if (s == "assistant") return Role::kAssistant;
  if (s == "system") return Role::kSystem;
  if (s == "developer") return Role::kDeveloper;
  if (s == "tool") return Role::kTool;
  if (s == "function") return Role::kFunction;
  return Role::kNone;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Appends one piece of a message's text to `all`; pieces of one message are joined by "\n".
void append_piece(std::string& all, size_t text_start, std::string_view piece) {
  if (piece.empty()) return;
  if (all.size() > text_start) all.push_back('\n');
  all.append(piece);
}

// Reads the parts of an array content: text parts are appended, image parts noted.
simdjson::error_code read_parts(od::array parts, std::string& all, size_t text_start,
                                ChatText& out) {
  for (auto part_result : parts) {
    od::object part;
    simdjson::error_code err = part_result.get_object().get(part);
    if (err == simdjson::INCORRECT_TYPE) continue;  // not a part: ignored like unknown fields
    if (err) return err;
    std::string_view type, text;
    bool has_text = false;
    for (auto field_result : part) {
      od::field field;
      if ((err = std::move(field_result).get(field))) return err;
      std::string_view key;
      if ((err = field.unescaped_key().get(key))) return err;
      if (key == "type") {
        err = field.value().get_string().get(type);
        if (err && err != simdjson::INCORRECT_TYPE) return err;
      } else if (key == "text") {
        err = field.value().get_string().get(text);
        if (err && err != simdjson::INCORRECT_TYPE) return err;
        has_text = !err;
      } else if (key == "image_url" || key == "input_image") {
        out.has_images = true;
      }
    }
    if (type == "image_url" || type == "input_image" || type == "image") {
      out.has_images = true;
    } else if (has_text && (type.empty() || type == "text" || type == "input_text")) {
      append_piece(all, text_start, text);
    }
  }
  return simdjson::SUCCESS;
}

// One message: its role, and its text appended to out.all (then copied to the user scopes).
Status read_message(od::object message, size_t index, ChatText& out) {
  std::string& all = out.all;
  const size_t mark = all.size();
  if (mark > 0) all.push_back('\n');
  const size_t text_start = all.size();
  Role role = Role::kNone;
  bool role_seen = false;

  for (auto field_result : message) {
    od::field field;
    simdjson::error_code err = std::move(field_result).get(field);
    if (err) return bad_json(err);
    std::string_view key;
    if ((err = field.unescaped_key().get(key))) return bad_json(err);
    od::value value = field.value();
    if (key == "role") {
      std::string_view role_name;
      err = value.get_string().get(role_name);
      if (err == simdjson::INCORRECT_TYPE) {
        return invalid(message_param(index, "role"), "role must be a string");
      }
      if (err) return bad_json(err);
      role = role_from(role_name);
      if (role == Role::kNone) {
        return invalid(message_param(index, "role"),
                       "unknown role (expected system, developer, user, assistant or tool)");
      }
      role_seen = true;
    } else if (key == "content") {
      od::json_type type;
      if ((err = value.type().get(type))) return bad_json(err);
      if (type == od::json_type::string) {
        std::string_view text;
        if ((err = value.get_string().get(text))) return bad_json(err);
        append_piece(all, text_start, text);
      } else if (type == od::json_type::array) {
        od::array parts;
        if ((err = value.get_array().get(parts))) return bad_json(err);
        if ((err = read_parts(parts, all, text_start, out))) return bad_json(err);
      } else if (type != od::json_type::null) {
        return invalid(message_param(index, "content"),
                       "content must be a string, null or an array of parts");
      }
    }
  }
  if (!role_seen) return invalid(message_param(index, "role"), "role is required");

  if (all.size() == text_start) {  // no text: drop the separator
    all.resize(mark);
    if (role == Role::kUser) out.last_user.clear();
    return {};
  }
  if (role == Role::kUser) {
    const std::string_view text(all.data() + text_start, all.size() - text_start);
    out.last_user.assign(text);
    if (!out.all_user.empty()) out.all_user.push_back('\n');
    out.all_user.append(text);
  }
  return {};
}

Status read_messages(od::value value, ChatText& out) {
  od::array messages;
  simdjson::error_code err = value.get_array().get(messages);
  if (err == simdjson::INCORRECT_TYPE) return invalid("messages", "messages must be an array");
  if (err) return bad_json(err);
  size_t index = 0;
  for (auto message_result : messages) {
    od::object message;
    err = message_result.get_object().get(message);
    if (err == simdjson::INCORRECT_TYPE) {
      return invalid(message_param(index), "message must be an object");
    }
    if (err) return bad_json(err);
    Status status = read_message(message, index, out);
    if (!status) return status;
    ++index;
  }
  out.message_count = index;
  return {};
}

// "model": the unescaped value, and the byte span of its token in the body.
Status read_model(od::value value, const char* base, ChatText& out) {
  std::string_view token = value.raw_json_token();  // runs up to the next token: trim
  while (!token.empty() && is_json_space(token.back())) token.remove_suffix(1);
  std::string_view model;
  simdjson::error_code err = value.get_string().get(model);
  if (err == simdjson::INCORRECT_TYPE) return invalid("model", "model must be a string");
  if (err) return bad_json(err);
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') {
    return invalid("model", "model token could not be located");  // defensive: cannot happen
  }
  out.model.assign(model);
  out.model_offset = static_cast<size_t>(token.data() - base);
  out.model_length = token.size();
  return {};
}

// "tools" / "functions": present and a non-empty array.
simdjson::error_code read_tools(od::value value, ChatText& out) {
  od::array tools;
  simdjson::error_code err = value.get_array().get(tools);
  if (err == simdjson::INCORRECT_TYPE) return simdjson::SUCCESS;  // null or junk: no tools
  if (err) return err;
  bool empty = true;
  if ((err = tools.is_empty().get(empty))) return err;
  out.has_tools = out.has_tools || !empty;
  return simdjson::SUCCESS;
}

}  // namespace

struct ChatParser::Impl {
  od::parser parser;
  std::string padded;  // the body copied with SIMDJSON_PADDING after it; grows, never shrinks

  Status parse(std::string_view body, ChatText& out, bool require_model);
};

Status ChatParser::Impl::parse(std::string_view body, ChatText& out, bool require_model) {
  out.clear();
  const size_t capacity = body.size() + simdjson::SIMDJSON_PADDING;
  if (padded.size() < capacity) padded.resize(capacity);
  if (!body.empty()) std::memcpy(padded.data(), body.data(), body.size());
  std::memset(padded.data() + body.size(), 0, simdjson::SIMDJSON_PADDING);

  od::document doc;
  if (parser.iterate(padded.data(), body.size(), padded.size()).get(doc)) return not_object();
  od::object root;
  if (doc.get_object().get(root)) return not_object();

  bool have_model = false;
  bool have_messages = false;
  for (auto field_result : root) {
    od::field field;
    simdjson::error_code err = std::move(field_result).get(field);
    if (err) return bad_json(err);
    std::string_view key;
    if ((err = field.unescaped_key().get(key))) return bad_json(err);
    od::value value = field.value();
    if (key == "model") {
      // Upstreams disagree on which duplicate wins; splicing the wrong one would bypass routing.
      if (have_model) return invalid("model", "model appears more than once");
      Status status = read_model(value, padded.data(), out);
      if (!status) return status;
      have_model = true;
    } else if (key == "messages") {
      if (have_messages) return invalid("messages", "messages appears more than once");
      Status status = read_messages(value, out);
      if (!status) return status;
      have_messages = true;
    } else if (key == "stream") {  // true, false or null (the default, false)
      od::json_type type;
      if ((err = value.type().get(type))) return bad_json(err);
      if (type == od::json_type::boolean) {
        bool stream = false;
        if ((err = value.get_bool().get(stream))) return bad_json(err);
        out.stream = stream;
      } else if (type != od::json_type::null) {
        return invalid("stream", "stream must be true or false");
      }
    } else if (key == "tools" || key == "functions") {
      if ((err = read_tools(value, out))) return bad_json(err);
    }
  }
  // On-Demand checks only what it reads; insist that nothing follows the root object.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) return not_object();
  if (!have_model && require_model) return invalid("model", "model is required");
  if (!have_messages) return invalid("messages", "messages is required");
  // As OpenAI: a chat needs at least one message (an empty one would go upstream to fail
  // there, or be classified as nothing at all).
  if (out.message_count == 0) return invalid("messages", "messages must not be empty");
  return {};
}

ChatParser::ChatParser() : impl_(std::make_unique<Impl>()) {}
ChatParser::~ChatParser() = default;
ChatParser::ChatParser(ChatParser&&) noexcept = default;
ChatParser& ChatParser::operator=(ChatParser&&) noexcept = default;

Status ChatParser::parse(std::string_view body, ChatText& out, bool require_model) {
  return impl_->parse(body, out, require_model);
}

Status ChatParser::parse_text(std::string_view text, ChatText& out) {
  out.clear();
  if (!is_valid_utf8(text)) return invalid("text", "text is not valid UTF-8");
  out.message_count = 1;
  out.last_user.assign(text);
  out.all_user.assign(text);
  out.all.assign(text);
  return {};
}

}  // namespace sparouter::classify
