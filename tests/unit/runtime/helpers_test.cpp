// The pipeline's pure pieces: the model splice, Retry-After, URLs per provider kind, outcome
// mapping and the Anthropic translation.
#include <gtest/gtest.h>

#include "runtime/anthropic.hpp"
#include "runtime/attempt_outcome.hpp"
#include "runtime/body_splice.hpp"
#include "runtime/upstream_request.hpp"

namespace sparouter::runtime {
namespace {

// The client's body with its model token replaced, as sent: the bytes around the token are the
// client's own (spliced, not copied), and the new token is escaped JSON.
std::string forwarded_body(const std::string& body, size_t at, size_t length, std::string model) {
  Candidate c;
  c.deployment_id = "d";
  c.provider_kind = ProviderKind::kOpenai;
  c.base_url = "https://api.openai.com/v1";
  c.model = model;
  auto r = build_upstream_request(c, "", ClientCall{body, at, length, false, ""});
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return "";
  if (!r->splice.source.empty()) EXPECT_EQ(r->splice.source.data(), body.data());
  return r->body_text();
}

TEST(BodySplice, ReplacesTheTokenAndEscapes) {
  const std::string body = R"({"model" : "g", "x": 1})";
  const size_t at = body.find("\"g\"");
  EXPECT_EQ(forwarded_body(body, at, 3, "gpt-4o"), R"({"model" : "gpt-4o", "x": 1})");
  EXPECT_EQ(forwarded_body(body, at, 3, "a\"b\\c\x01"),
            "{\"model\" : \"a\\\"b\\\\c\\u0001\", \"x\": 1}");
  EXPECT_EQ(forwarded_body(body, at, 3, "\xe6\xa8\xa1\xe5\x9e\x8b"),
            "{\"model\" : \"\xe6\xa8\xa1\xe5\x9e\x8b\", \"x\": 1}");
  // A span outside the body, or none: the body as it came.
  EXPECT_EQ(forwarded_body(body, body.size(), 3, "x"), body);
  EXPECT_EQ(forwarded_body(body, at, 0, "x"), body);
  EXPECT_EQ(forwarded_body(body, 0, body.size() + 1, "x"), body);
  // The token at either end.
  EXPECT_EQ(forwarded_body("\"g\"", 0, 3, "m"), "\"m\"");
}

TEST(BodySplice, PiecesAndSizeOfARequest) {
  http::ClientRequest r;
  r.body = "plain";
  EXPECT_EQ(r.body_size(), 5u);
  EXPECT_EQ(r.body_text(), "plain");
  const std::string source = "0123456789";
  r.body = "ab";
  r.splice = {source, 3, 4};
  const auto pieces = r.body_pieces();
  EXPECT_EQ(pieces[0], "012");
  EXPECT_EQ(pieces[1], "ab");
  EXPECT_EQ(pieces[2], "789");
  EXPECT_EQ(r.body_size(), 8u);
  EXPECT_EQ(r.body_text(), "012ab789");
}

TEST(RetryAfter, SecondsAndDates) {
  const std::time_t now = 1'700'000'000;  // 2023-11-14T22:13:20Z
  EXPECT_EQ(parse_retry_after("7", now), 7000);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0);
  EXPECT_EQ(parse_retry_after("999999999", now), 24 * 3600 * 1000);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now), 30'000);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now), 0);
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("-3", now));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("1.5", now));
}

TEST(Outcomes, ClientErrors) {
  using http::ClientErrc;
  auto err = [](ClientErrc c) {
    return http::ClientError{c, http::TimeoutPhase::kNone, "", true, false};
  };
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kConnect)), Outcome::kConnectError);
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kResolve)), Outcome::kConnectError);
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kTlsVerify)), Outcome::kConnectError);
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kTimeout)), Outcome::kTimeout);
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kClosed)), Outcome::kHttp5xx);
  EXPECT_EQ(outcome_from_client_error(err(ClientErrc::kCancelled)), Outcome::kCancelled);
  EXPECT_EQ(error_kind(err(ClientErrc::kClosed)), "closed");
  EXPECT_EQ(error_kind(Outcome::kHttp429), "http_429");
}

TEST(UpstreamUrl, JoinsWithoutRepeatingSegments) {
  EXPECT_EQ(join_url("https://api.openai.com/v1", "/chat/completions"),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(join_url("https://api.openai.com/v1/", "/chat/completions"),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(join_url("http://localhost:11434", "/v1/chat/completions"),
            "http://localhost:11434/v1/chat/completions");
  EXPECT_EQ(join_url("http://localhost:11434/v1", "/v1/chat/completions"),
            "http://localhost:11434/v1/chat/completions");
  EXPECT_EQ(join_url("https://api.anthropic.com", "/v1/messages"),
            "https://api.anthropic.com/v1/messages");
}

TEST(UpstreamRequest, PerKind) {
  const std::string body = R"({"model":"g","messages":[{"role":"user","content":"hi"}]})";
  ClientCall call{body, body.find("\"g\""), 3, false, "rid-1"};
  Candidate c;
  c.deployment_id = "d";
  c.provider_kind = ProviderKind::kOpenai;
  c.base_url = "https://api.openai.com/v1";
  c.model = "gpt-4o-mini";
  c.timeout_ms = 1500;
  auto r = build_upstream_request(c, "sk-1", call);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(r->body_text(),
            R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(*http::find_header(r->headers, "authorization"), "Bearer sk-1");
  EXPECT_EQ(*http::find_header(r->headers, "x-request-id"), "rid-1");
  EXPECT_EQ(r->first_byte_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(r->total_timeout, std::chrono::milliseconds(1500));

  call.stream = true;
  r = build_upstream_request(c, "", call);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(http::find_header(r->headers, "authorization"), nullptr);
  EXPECT_EQ(*http::find_header(r->headers, "accept"), "text/event-stream");
  EXPECT_EQ(r->total_timeout, std::chrono::milliseconds(0));  // a stream may run long

  c.provider_kind = ProviderKind::kAzure;
  c.base_url = "https://x.openai.azure.com/";
  c.model = "my dep";
  r = build_upstream_request(c, "az", call);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url,
            "https://x.openai.azure.com/openai/deployments/my%20dep/chat/"
            "completions?api-version=2024-06-01");
  EXPECT_EQ(*http::find_header(r->headers, "api-key"), "az");

  c.provider_kind = ProviderKind::kGemini;  // more in gemini_test.cpp
  c.base_url = "https://generativelanguage.googleapis.com";
  c.model = "gemini-2.0-flash";
  r = build_upstream_request(c, "k", call);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url,
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.0-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(*http::find_header(r->headers, "x-goog-api-key"), "k");
}

// One request rebuilt over and over (as a recycled ChatState does) must come out exactly as a
// fresh one each time: no header, timeout or byte of an earlier attempt may stay behind.
TEST(UpstreamRequest, RebuiltInPlaceEqualsAFreshBuild) {
  const std::string long_body =
      R"({"model":"g","messages":[{"role":"user","content":")" + std::string(3000, 'x') + R"("}]})";
  const std::string short_body = R"({"model":"g","messages":[]})";
  struct Step {
    ProviderKind kind;
    std::string base_url;
    std::string key;
    const std::string* body;
    bool stream;
    int64_t timeout_ms;
    std::string request_id;
  };
  const std::vector<Step> steps = {
      {ProviderKind::kAnthropic, "https://api.anthropic.com", "ak", &long_body, false, 900, "r-1"},
      {ProviderKind::kOpenai, "https://api.openai.com/v1", "sk-1", &long_body, false, 1500,
       "a-request-id-longer-than-fifteen"},
      {ProviderKind::kOllama, "http://localhost:11434", "", &short_body, true, 0, ""},
      {ProviderKind::kAzure, "https://x.openai.azure.com", "az", &short_body, false, 0, "r-3"},
      {ProviderKind::kGemini, "https://generativelanguage.googleapis.com", "gk", &long_body, true,
       700, "r-4"},
      {ProviderKind::kOpenaiCompatible, "http://127.0.0.1:9/v1", "", &short_body, false, 0, ""},
  };
  http::ClientRequest reused;
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    const Step& s = steps[i];
    Candidate c;
    c.deployment_id = "d";
    c.provider_kind = s.kind;
    c.base_url = s.base_url;
    const std::string model = "model-" + std::to_string(i);  // Candidate holds views
    c.model = model;
    c.timeout_ms = s.timeout_ms;
    const ClientCall call{*s.body, s.body->find("\"g\""), 3, s.stream, s.request_id};
    ASSERT_TRUE(build_upstream_request_into(reused, c, s.key, call).ok());
    const auto fresh = build_upstream_request(c, s.key, call);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(reused.method, fresh->method);
    EXPECT_EQ(reused.url, fresh->url);
    EXPECT_EQ(reused.body_text(), fresh->body_text());
    EXPECT_EQ(reused.splice.source.data(), fresh->splice.source.data());
    EXPECT_EQ(reused.first_byte_timeout, fresh->first_byte_timeout);
    EXPECT_EQ(reused.total_timeout, fresh->total_timeout);
    ASSERT_EQ(reused.headers.size(), fresh->headers.size());
    for (size_t h = 0; h < reused.headers.size(); ++h) {
      EXPECT_EQ(reused.headers[h].name, fresh->headers[h].name);
      EXPECT_EQ(reused.headers[h].value, fresh->headers[h].value);
    }
  }
}

TEST(Anthropic, RequestTranslation) {
  const std::string body = R"({"model":"g","max_tokens":100,"temperature":0.2,"stop":"END",
    "messages":[{"role":"system","content":"sys one"},{"role":"developer","content":[{"type":"text","text":"sys two"}]},
      {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
      {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"q\":1}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"42"}],
    "tools":[{"type":"function","function":{"name":"get","description":"d","parameters":{"type":"object"}}}],
    "tool_choice":"required","user":"u1"})";
  auto r = anthropic::translate_request(body, "claude-3", true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string& t = r.value();
  EXPECT_NE(t.find(R"("model":"claude-3","max_tokens":100,"system":"sys one\n\nsys two")"),
            std::string::npos)
      << t;
  EXPECT_NE(
      t.find(
          R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}})"),
      std::string::npos)
      << t;
  EXPECT_NE(t.find(R"({"type":"tool_use","id":"call_1","name":"get","input":{"q":1}})"),
            std::string::npos)
      << t;
  EXPECT_NE(
      t.find(
          R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"42"}]})"),
      std::string::npos)
      << t;
  EXPECT_NE(
      t.find(
          R"("tools":[{"name":"get","description":"d","input_schema":{"type":"object"}}],"tool_choice":{"type":"any"})"),
      std::string::npos)
      << t;
  EXPECT_NE(t.find(R"("stop_sequences":["END"])"), std::string::npos);
  EXPECT_NE(t.find(R"("metadata":{"user_id":"u1"})"), std::string::npos);
  EXPECT_NE(t.find(R"("stream":true)"), std::string::npos);
  EXPECT_FALSE(anthropic::translate_request("[1]", "m", false).ok());
}

TEST(Anthropic, RefusesMoreThanOneChoice) {
  // Anthropic answers with one message: n > 1 is refused, as for Gemini, not cut to one choice.
  auto with_n = [](std::string_view n) {
    const std::string body =
        R"({"messages":[{"role":"user","content":"a"}],"n":)" + std::string(n) + "}";
    return anthropic::translate_request(body, "claude-3", false);
  };
  for (const char* n : {"2", "0", "\"2\"", "1.5"}) {
    auto r = with_n(n);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, Code::kInvalid) << n;
    EXPECT_EQ(r.error().param, "n") << n;
  }
  for (const char* n : {"1", "null"}) EXPECT_TRUE(with_n(n).ok()) << n;
  EXPECT_TRUE(anthropic::translate_request(R"({"messages":[]})", "claude-3", false).ok());
}

TEST(Anthropic, ResponseAndErrorTranslation) {
  const std::string answer =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-3",
    "content":[{"type":"text","text":"Hi"},{"type":"tool_use","id":"tu_1","name":"get","input":{"q":1}}],
    "stop_reason":"tool_use","usage":{"input_tokens":4,"output_tokens":6}})";
  auto r = anthropic::translate_response(answer, 123);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      r.value(),
      R"({"id":"msg_1","object":"chat.completion","created":123,"model":"claude-3","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"Hi","tool_calls":[{"id":"tu_1","type":"function",)"
      R"("function":{"name":"get","arguments":"{\"q\":1}"}}]},"finish_reason":"tool_calls"}],)"
      R"("usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}})");
  EXPECT_EQ(
      anthropic::translate_error(
          R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})"),
      R"({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})");
  EXPECT_EQ(anthropic::translate_error("nope"), "");
}

TEST(Anthropic, ResponseUsageCountsThePromptCache) {
  // input_tokens + cache_creation_input_tokens + cache_read_input_tokens is the whole prompt.
  const std::string answer =
      R"({"id":"msg_2","model":"claude-3","content":[{"type":"text","text":"ok"}],
    "stop_reason":"end_turn","usage":{"input_tokens":10,"cache_creation_input_tokens":0,
    "cache_read_input_tokens":1500,"output_tokens":3}})";
  auto r = anthropic::translate_response(answer, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(
      r.value().find(R"("usage":{"prompt_tokens":1510,"completion_tokens":3,)"
                     R"("total_tokens":1513,"prompt_tokens_details":{"cached_tokens":1500}}})"),
      std::string::npos)
      << r.value();
}

TEST(Anthropic, StreamTranslationAcrossSplitReads) {
  const std::string events =
      "event: message_start\ndata: "
      "{\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"c\"}}\n\n"
      "event: ping\ndata: {\"type\":\"ping\"}\n\n"
      "event: content_block_start\ndata: "
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":"
      "\"\"}}\n\n"
      "event: content_block_delta\ndata: "
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
      "\"He\\\"y\"}}\n\n"
      "event: content_block_start\ndata: "
      "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
      "\"id\":\"t1\",\"name\":\"f\"}}\n\n"
      "event: content_block_delta\ndata: "
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
      "\"partial_json\":\"{\\\"a\\\":\"}}\n\n"
      "event: message_delta\ndata: "
      "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  anthropic::StreamTranslator t(7, false);
  std::string out;
  for (size_t i = 0; i < events.size(); i += 13)
    out += t.feed(std::string_view(events).substr(i, 13));
  EXPECT_TRUE(t.done());
  EXPECT_FALSE(t.failed());
  const std::string head =
      R"(data: {"id":"m1","object":"chat.completion.chunk","created":7,"model":"c","choices":[{"index":0,"delta":)";
  EXPECT_EQ(
      out,
      head + R"({"role":"assistant","content":""},"finish_reason":null}]})" + "\n\n" + head +
          R"({"content":"He\"y"},"finish_reason":null}]})" + "\n\n" + head +
          R"({"tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]})" +
          "\n\n" + head +
          R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]},"finish_reason":null}]})" +
          "\n\n" + head + R"({},"finish_reason":"length"}]})" + "\n\n" + "data: [DONE]\n\n");

  anthropic::StreamTranslator bad(7, false);
  const std::string error_event =
      "event: error\ndata: "
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
      "\n\n";
  const std::string got = bad.feed(error_event);
  EXPECT_TRUE(bad.failed());
  EXPECT_NE(got.find("Overloaded"), std::string::npos);
}

}  // namespace
}  // namespace sparouter::runtime
