#include "classify/chat_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparouter::classify {
namespace {

Status parse(std::string_view body, ChatText& out) {
  ChatParser parser;
  return parser.parse(body, out);
}

// Expects a kInvalid error naming `param`.
void expect_invalid(std::string_view body, std::string_view param) {
  ChatText text;
  Status st = parse(body, text);
  ASSERT_FALSE(st.ok()) << body;
  EXPECT_EQ(st.error().code, Code::kInvalid) << body;
  EXPECT_EQ(st.error().param, param) << body << " -> " << st.error().message;
  EXPECT_FALSE(st.error().message.empty());
}

TEST(ChatText, ExtractsModelStreamAndScopes) {
  const std::string body = R"({
    "model": "auto",
    "stream": true,
    "messages": [
      {"role": "system", "content": "You are helpful."},
      {"role": "user", "content": "first question"},
      {"role": "assistant", "content": "an answer"},
      {"role": "user", "content": "second question"}
    ],
    "temperature": 0.2
  })";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_EQ(t.model, "auto");
  EXPECT_TRUE(t.stream);
  EXPECT_FALSE(t.has_tools);
  EXPECT_FALSE(t.has_images);
  EXPECT_EQ(t.message_count, 4u);
  EXPECT_EQ(t.last_user, "second question");
  EXPECT_EQ(t.all_user, "first question\nsecond question");
  EXPECT_EQ(t.all, "You are helpful.\nfirst question\nan answer\nsecond question");
  EXPECT_EQ(&t.scoped(Scope::kLastUser), &t.last_user);
  EXPECT_EQ(&t.scoped(Scope::kAllUser), &t.all_user);
  EXPECT_EQ(&t.scoped(Scope::kAll), &t.all);
}

TEST(ChatText, ModelSpanCoversTheQuotedToken) {
  const std::string body =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],  \"model\" :\t \"gpt\\u002d4o\"  \n, "
      "\"x\":1}";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_EQ(t.model, "gpt-4o");
  EXPECT_EQ(body.substr(t.model_offset, t.model_length), "\"gpt\\u002d4o\"");
  // The splice the server does: the result is the same JSON with another model.
  std::string spliced = body;
  spliced.replace(t.model_offset, t.model_length, "\"other\"");
  ChatText again;
  ASSERT_TRUE(parse(spliced, again).ok());
  EXPECT_EQ(again.model, "other");
}

TEST(ChatText, ModelSpanAtEndOfBody) {
  const std::string body = R"({"messages":[{"role":"user","content":"hi"}],"model":"m"})";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_EQ(body.substr(t.model_offset, t.model_length), "\"m\"");
}

TEST(ChatText, StreamIsABooleanOrNull) {
  ChatText t;
  ASSERT_TRUE(
      parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":false})", t).ok());
  EXPECT_FALSE(t.stream);
  ASSERT_TRUE(
      parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":null})", t).ok());
  EXPECT_FALSE(t.stream);
  // A wrong type would be passed on to an upstream that might read it as true and stream.
  for (const char* v : {"\"yes\"", "1", "0", "[]", "{}"}) {
    expect_invalid(
        std::string(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":)") + v +
            "}",
        "stream");
  }
}

TEST(ChatText, ContentPartsJoinedAndImagesNoted) {
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"text","text":"look at this"},
      {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
      {"text":"and this","type":"input_text"},
      {"type":"input_audio","input_audio":{"data":"..."}},
      42,
      {"type":"text","text":""},
      {"type":"text","text":"end"}]}]})";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_TRUE(t.has_images);
  EXPECT_EQ(t.last_user, "look at this\nand this\nend");
  EXPECT_EQ(t.all, t.last_user);
}

TEST(ChatText, InputImagePartIsAnImage) {
  ChatText t;
  ASSERT_TRUE(parse(R"({"model":"m","messages":[{"role":"user","content":[
      {"type":"input_image","image_url":"https://x/y.png"}]}]})",
                    t)
                  .ok());
  EXPECT_TRUE(t.has_images);
  EXPECT_EQ(t.last_user, "");
}

TEST(ChatText, NullContentAndToolMessages) {
  const std::string body = R"({"model":"m","messages":[
      {"role":"user","content":"weather in Paris?"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function",
        "function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},
      {"role":"tool","tool_call_id":"1","content":"sunny"},
      {"role":"developer","content":"be brief"},
      {"role":"function","name":"f","content":"legacy"}]})";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_EQ(t.message_count, 5u);
  EXPECT_EQ(t.last_user, "weather in Paris?");
  EXPECT_EQ(t.all, "weather in Paris?\nsunny\nbe brief\nlegacy");
}

TEST(ChatText, FieldOrderDoesNotMatter) {
  const std::string body =
      R"({"messages":[{"content":"hello","role":"user"},{"content":"bye","role":"assistant"}],)"
      R"("model":"m"})";
  ChatText t;
  ASSERT_TRUE(parse(body, t).ok());
  EXPECT_EQ(t.last_user, "hello");
  EXPECT_EQ(t.all, "hello\nbye");
}

TEST(ChatText, LastUserIsTheLastUserMessageEvenWithoutText) {
  ChatText t;
  ASSERT_TRUE(parse(R"({"model":"m","messages":[{"role":"user","content":"text"},
      {"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]})",
                    t)
                  .ok());
  EXPECT_EQ(t.last_user, "");
  EXPECT_EQ(t.all_user, "text");
  EXPECT_TRUE(t.has_images);
}

TEST(ChatText, ToolsAndFunctions) {
  ChatText t;
  ASSERT_TRUE(
      parse(
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]})",
          t)
          .ok());
  EXPECT_TRUE(t.has_tools);
  ASSERT_TRUE(
      parse(
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"functions":[{"name":"f"}]})",
          t)
          .ok());
  EXPECT_TRUE(t.has_tools);
  ASSERT_TRUE(
      parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[]})", t).ok());
  EXPECT_FALSE(t.has_tools);
  ASSERT_TRUE(
      parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":null})", t).ok());
  EXPECT_FALSE(t.has_tools);
  ASSERT_TRUE(
      parse(
          R"({"tools":[],"model":"m","messages":[{"role":"user","content":"x"}],"functions":[{}]})",
          t)
          .ok());
  EXPECT_TRUE(t.has_tools);
}

TEST(ChatText, UnknownFieldsIgnored) {
  ChatText t;
  ASSERT_TRUE(parse(R"({"model":"m","metadata":{"a":[1,2,{"b":null}]},"n":1,
      "messages":[{"role":"user","name":"x","content":"hi","extra":{"deep":[[]]}}],
      "response_format":{"type":"json_object"}})",
                    t)
                  .ok());
  EXPECT_EQ(t.last_user, "hi");
}

TEST(ChatText, Utf8PassesThroughUnharmed) {
  // Raw UTF-8, \u escapes and a surrogate pair.
  ChatText t;
  ASSERT_TRUE(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                    "\"帮我写代码 \\u4e2d \\ud83d\\ude00 caf\xC3\xA9\"}]}",
                    t)
                  .ok());
  EXPECT_EQ(t.last_user, "帮我写代码 中 \xF0\x9F\x98\x80 caf\xC3\xA9");
}

TEST(ChatText, InvalidUtf8Rejected) {
  expect_invalid("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\xFF\"}]}", "");
}

TEST(ChatText, NotAJsonObject) {
  for (std::string_view body :
       {"", "   ", "null", "[]", "\"text\"", "42", "nonsense", "{", "{\"model\":", "<html>"}) {
    expect_invalid(body, "");
  }
  ChatText t;
  EXPECT_EQ(parse("[1]", t).error().message, "request body is not a JSON object");
}

TEST(ChatText, TrailingContentRejected) {
  expect_invalid(R"({"model":"m","messages":[{"role":"user","content":"x"}]} {"model":"x"})", "");
  expect_invalid(R"({"model":"m","messages":[{"role":"user","content":"x"}]} x)", "");
  ChatText t;
  EXPECT_TRUE(
      parse(" \r\n\t{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} \r\n\t",
            t)
          .ok());
}

TEST(ChatText, ModelErrors) {
  expect_invalid(R"({"messages":[{"role":"user","content":"x"}]})", "model");
  expect_invalid(R"({"model":42,"messages":[{"role":"user","content":"x"}]})", "model");
  expect_invalid(R"({"model":null,"messages":[{"role":"user","content":"x"}]})", "model");
  expect_invalid(R"({"model":"a","model":"b","messages":[{"role":"user","content":"x"}]})",
                 "model");
}

TEST(ChatText, MissingModelAllowedForTheTestBench) {
  ChatParser parser;
  ChatText t;
  ASSERT_TRUE(parser.parse(R"({"messages":[{"role":"user","content":"hi"}]})", t, false).ok());
  EXPECT_EQ(t.model, "");
  EXPECT_EQ(t.last_user, "hi");
  EXPECT_FALSE(
      parser.parse(R"({"model":1,"messages":[{"role":"user","content":"x"}]})", t, false).ok());
}

TEST(ChatText, MessagesErrors) {
  expect_invalid(R"({"model":"m"})", "messages");
  expect_invalid(R"({"model":"m","messages":{}})", "messages");
  expect_invalid(R"({"model":"m","messages":"hi"})", "messages");
  expect_invalid(R"({"model":"m","messages":[]})", "messages");  // OpenAI: at least one
  expect_invalid(
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"messages":[{"role":"user","content":"x"}]})",
      "messages");
  expect_invalid(R"({"model":"m","messages":[{"role":"user","content":"a"},"b"]})", "messages[1]");
}

TEST(ChatText, RoleErrors) {
  const std::string ok = R"({"role":"user","content":"a"},{"role":"assistant","content":"b"},)"
                         R"({"role":"system","content":"c"},)";
  expect_invalid(R"({"model":"m","messages":[)" + ok + R"({"content":"d"}]})", "messages[3].role");
  expect_invalid(R"({"model":"m","messages":[)" + ok + R"({"role":"boss","content":"d"}]})",
                 "messages[3].role");
  expect_invalid(R"({"model":"m","messages":[)" + ok + R"({"role":7,"content":"d"}]})",
                 "messages[3].role");
  expect_invalid(R"({"model":"m","messages":[)" + ok + R"({"role":"User","content":"d"}]})",
                 "messages[3].role");
}

TEST(ChatText, ContentOfWrongType) {
  expect_invalid(R"({"model":"m","messages":[{"role":"user","content":12}]})",
                 "messages[0].content");
  expect_invalid(R"({"model":"m","messages":[{"role":"user","content":{"text":"x"}}]})",
                 "messages[0].content");
}

TEST(ChatText, EveryPrefixOfABodyIsHandled) {
  const std::string body = R"({"model":"gpt-4o","stream":true,"messages":[{"role":"system",)"
                           R"("content":"s"},{"role":"user","content":[{"type":"text","text":)"
                           R"("a\"b\\c\u00e9"},{"type":"image_url","image_url":{"url":"u"}}]}],)"
                           R"("tools":[{"type":"function"}]})";
  ChatParser parser;
  ChatText t;
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(parser.parse(std::string_view(body).substr(0, n), t).ok()) << n;
  }
  ASSERT_TRUE(parser.parse(body, t).ok());
  EXPECT_EQ(t.last_user, "a\"b\\c\xC3\xA9");
  EXPECT_TRUE(t.has_tools);
  EXPECT_TRUE(t.has_images);
}

TEST(ChatText, DeepNestingAndGarbageDoNotCrash) {
  ChatParser parser;
  ChatText t;
  std::string deep = R"({"model":"m","messages":[{"role":"user","content":"x"}],"x":)" +
                     std::string(5000, '[') + std::string(5000, ']') + "}";
  (void)parser.parse(deep, t);  // accepted or rejected: it must just return
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  EXPECT_FALSE(parser.parse(garbage, t).ok());
  EXPECT_FALSE(parser.parse(R"({"model":"m","messages":[{"role":"user","content":"x)", t).ok());
  EXPECT_FALSE(parser.parse(R"({"model":"m","messages":[{"role":"user",]})", t).ok());
}

TEST(ChatText, ParserIsReusable) {
  ChatParser parser;
  ChatText t;
  std::string big = R"({"model":"big","stream":true,"tools":[1],"messages":[{"role":"user",)"
                    R"("content":")" +
                    std::string(100000, 'x') + R"("}]})";
  ASSERT_TRUE(parser.parse(big, t).ok());
  EXPECT_EQ(t.last_user.size(), 100000u);
  const size_t capacity = t.last_user.capacity();
  ASSERT_TRUE(
      parser.parse(R"({"model":"small","messages":[{"role":"user","content":"y"}]})", t).ok());
  EXPECT_EQ(t.model, "small");
  EXPECT_FALSE(t.stream);
  EXPECT_FALSE(t.has_tools);
  EXPECT_EQ(t.last_user, "y");
  EXPECT_EQ(t.all, "y");
  EXPECT_EQ(t.last_user.capacity(), capacity);  // clear() keeps capacity
  EXPECT_FALSE(parser.parse("{", t).ok());
  ASSERT_TRUE(
      parser.parse(R"({"model":"again","messages":[{"role":"user","content":"x"}]})", t).ok());
  EXPECT_EQ(t.model, "again");
  EXPECT_EQ(t.message_count, 1u);
}

TEST(ChatText, ParseTextFillsEveryScope) {
  ChatParser parser;
  ChatText t;
  ASSERT_TRUE(parser.parse_text("帮我写代码", t).ok());
  EXPECT_EQ(t.last_user, "帮我写代码");
  EXPECT_EQ(t.all_user, "帮我写代码");
  EXPECT_EQ(t.all, "帮我写代码");
  EXPECT_EQ(t.model, "");
  Status st = parser.parse_text("bad \xC3", t);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().param, "text");
}

}  // namespace
}  // namespace sparouter::classify
