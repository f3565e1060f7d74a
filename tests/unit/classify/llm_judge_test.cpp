#include "classify/llm_judge.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "classify/utf8.hpp"

namespace sparouter::classify {
namespace {

std::vector<LabelExamples> labels() {
  return {{"code",
           {"fix this segfault", "write a python script", "explain this stack trace",
            "a fourth example"}},
          {"General", {}},
          {"math", {"integrate x^2\nfrom 0 to 1"}}};
}

rapidjson::Document parse_json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  EXPECT_FALSE(d.HasParseError()) << s;
  return d;
}

// A chat-completions response whose message content is `content`.
std::string reply(std::string_view content) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.String("chatcmpl-1");
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
  w.String(content.data(), static_cast<rapidjson::SizeType>(content.size()));
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

TEST(LlmJudge, RequestIsAJsonModeChatCompletion) {
  LlmJudgeConfig config;
  config.group = "cheap";
  const std::string body = build_judge_request(config, "gpt-4o-mini", labels(), "my code crashes");
  rapidjson::Document d = parse_json(body);
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["model"].GetString(), "gpt-4o-mini");
  EXPECT_EQ(d["temperature"].GetInt(), 0);
  EXPECT_STREQ(d["response_format"]["type"].GetString(), "json_object");
  const auto& messages = d["messages"];
  ASSERT_EQ(messages.Size(), 2u);
  EXPECT_STREQ(messages[0]["role"].GetString(), "system");
  EXPECT_STREQ(messages[1]["role"].GetString(), "user");
  EXPECT_STREQ(messages[1]["content"].GetString(), "my code crashes");
  const std::string system = messages[0]["content"].GetString();
  EXPECT_NE(system.find("JSON"), std::string::npos);  // json_object mode requires the word
  EXPECT_NE(system.find("\"group\""), std::string::npos);
  EXPECT_NE(system.find("\"confidence\""), std::string::npos);
  EXPECT_NE(system.find("- code"), std::string::npos);
  EXPECT_NE(system.find("- General"), std::string::npos);
  EXPECT_NE(system.find("fix this segfault"), std::string::npos);
  EXPECT_NE(system.find("explain this stack trace"), std::string::npos);
  EXPECT_EQ(system.find("a fourth example"), std::string::npos);  // at most three per label
  EXPECT_NE(system.find("integrate x^2 from 0 to 1"), std::string::npos);  // one line each
  EXPECT_NE(system.find("You route chat requests"), std::string::npos);    // built-in prompt
}

TEST(LlmJudge, CustomPromptReplacesTheBuiltIn) {
  LlmJudgeConfig config;
  config.prompt = "Pick the cheapest group that can answer.";
  rapidjson::Document d = parse_json(build_judge_request(config, "m", labels(), "hi"));
  const std::string system = d["messages"][0]["content"].GetString();
  EXPECT_EQ(system.rfind("Pick the cheapest group that can answer.", 0), 0u);
  EXPECT_EQ(system.find("You route chat requests"), std::string::npos);
  EXPECT_NE(system.find("- math"), std::string::npos);  // labels are always listed
}

TEST(LlmJudge, HugeTextIsCutOnAUtf8Boundary) {
  std::string text;
  while (text.size() < 20000) text += "\xE4\xBD\xA0 \"quoted\"\n";
  rapidjson::Document d = parse_json(build_judge_request({}, "m", labels(), text));
  const auto& user = d["messages"][1]["content"];
  const std::string_view got(user.GetString(), user.GetStringLength());
  EXPECT_LE(got.size(), kJudgeMaxTextBytes);
  EXPECT_GT(got.size(), kJudgeMaxTextBytes - 4);
  EXPECT_TRUE(is_valid_utf8(got));
  EXPECT_EQ(text.compare(0, got.size(), got), 0);
}

TEST(LlmJudge, InvalidUtf8NeverReachesTheRequest) {
  const std::string body = build_judge_request({}, "m\xFF", {{"g\xC3", {"e\x80"}}}, "t\xFE");
  EXPECT_TRUE(is_valid_utf8(body));
  rapidjson::Document d = parse_json(body);
  EXPECT_STREQ(d["model"].GetString(), "m\xEF\xBF\xBD");
}

TEST(LlmJudge, ParsesAPlainVerdict) {
  auto v = parse_judge_reply(reply(R"({"group": "code", "confidence": 0.83})"), labels());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->group, "code");
  EXPECT_DOUBLE_EQ(v->confidence, 0.83);
}

TEST(LlmJudge, GroupMatchesCaseInsensitivelyAndTakesTheLabelsSpelling) {
  auto v = parse_judge_reply(reply(R"({"group": " general ", "confidence": 1})"), labels());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->group, "General");
  auto w = parse_judge_reply(reply(R"({"group": "CODE"})"), labels());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->group, "code");
}

TEST(LlmJudge, ToleratesFencesAndProse) {
  for (std::string content : {
           std::string("```json\n{\"group\": \"math\", \"confidence\": 0.5}\n```"),
           std::string("Sure! Here is my answer: {\"group\": \"math\", \"confidence\": 0.5} "
                       "Hope that helps {"),
           std::string("{not json} then {\"other\": 1} and {\"confidence\": 0.5, \"group\": "
                       "\"math\", \"why\": \"a {brace} in a string\"}"),
       }) {
    auto v = parse_judge_reply(reply(content), labels());
    ASSERT_TRUE(v.ok()) << content << ": " << v.error().message;
    EXPECT_EQ(v->group, "math");
    EXPECT_DOUBLE_EQ(v->confidence, 0.5);
  }
}

TEST(LlmJudge, BareLabelIsAccepted) {
  auto v = parse_judge_reply(reply("  \"Code\".\n"), labels());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->group, "code");
  EXPECT_DOUBLE_EQ(v->confidence, 1);
}

TEST(LlmJudge, ConfidenceClampedAndDefaulted) {
  auto high = parse_judge_reply(reply(R"({"group":"code","confidence":85})"), labels());
  ASSERT_TRUE(high.ok());
  EXPECT_DOUBLE_EQ(high->confidence, 1);
  auto low = parse_judge_reply(reply(R"({"group":"code","confidence":-0.2})"), labels());
  ASSERT_TRUE(low.ok());
  EXPECT_DOUBLE_EQ(low->confidence, 0);
  auto absent = parse_judge_reply(reply(R"({"group":"code"})"), labels());
  ASSERT_TRUE(absent.ok());
  EXPECT_DOUBLE_EQ(absent->confidence, 1);
  auto text = parse_judge_reply(reply(R"({"group":"code","confidence":" 0.25 "})"), labels());
  ASSERT_TRUE(text.ok());
  EXPECT_DOUBLE_EQ(text->confidence, 0.25);
  auto null = parse_judge_reply(reply(R"({"group":"code","confidence":null})"), labels());
  ASSERT_TRUE(null.ok());
  EXPECT_DOUBLE_EQ(null->confidence, 1);
}

TEST(LlmJudge, ContentAsTextParts) {
  const std::string body = R"({"choices":[{"message":{"role":"assistant","content":[
      {"type":"text","text":"{\"group\":\"math\","},{"type":"text","text":"\"confidence\":0.7}"}]}}]})";
  auto v = parse_judge_reply(body, labels());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->group, "math");
}

void expect_rejected(std::string_view body, std::string_view fragment) {
  auto v = parse_judge_reply(body, labels());
  ASSERT_FALSE(v.ok()) << body;
  EXPECT_EQ(v.error().code, Code::kInvalid);
  EXPECT_EQ(v.error().param, "");
  EXPECT_NE(v.error().message.find(fragment), std::string::npos) << v.error().message;
}

TEST(LlmJudge, RejectsBadReplies) {
  expect_rejected("not json", "not a JSON object");
  expect_rejected("[]", "not a JSON object");
  expect_rejected(R"({"choices":[]})", "no choices");
  expect_rejected(R"({"choices":[{"message":{"role":"assistant"}}]})", "no content");
  expect_rejected(R"({"choices":[{"message":{"content":null}}]})", "no content");
  expect_rejected(reply("   "), "empty");
  expect_rejected(reply(R"({"group":"poetry","confidence":0.9})"), "unknown group \"poetry\"");
  expect_rejected(reply(R"({"group":"code","confidence":"high"})"), "not a number");
  expect_rejected(reply(R"({"group":3})"), "group");
  expect_rejected(reply("I think it is about code."), "no JSON verdict");
  expect_rejected(R"({"error":{"message":"rate limited","type":"requests"}})", "rate limited");
}

TEST(LlmJudge, DeepNestingIsRejectedNotACrash) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  expect_rejected(deep, "not a JSON object");
  expect_rejected(reply(std::string(200000, '{')), "no JSON verdict");
  const std::string nested_verdict =
      "{\"group\":\"code\",\"x\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  auto v = parse_judge_reply(reply(nested_verdict), labels());
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->group, "code");
}

TEST(LlmJudge, RoundTripsItsOwnRequestFormat) {
  // What a well-behaved judge answers to our request parses back.
  const std::string body = build_judge_request({}, "m", labels(), "solve 2x = 4");
  ASSERT_FALSE(body.empty());
  auto v = parse_judge_reply(reply(R"({"group": "math", "confidence": 0.9})"), labels());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->group, "math");
}

}  // namespace
}  // namespace sparouter::classify
