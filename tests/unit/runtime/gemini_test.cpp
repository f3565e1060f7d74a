// The Gemini translation without I/O: request body and path, whole answers, errors, and the
// stream fed at every split point.
#include "runtime/gemini.hpp"

#include <gtest/gtest.h>

#include "runtime/translation.hpp"
#include "runtime/upstream_request.hpp"

namespace sparouter::runtime {
namespace {

bool has(const std::string& s, std::string_view piece) {
  return s.find(piece) != std::string::npos;
}

TEST(Gemini, PathPerBaseAndStream) {
  EXPECT_EQ(
      gemini::request_path("https://generativelanguage.googleapis.com", "gemini-2.0-flash", false),
      "/v1beta/models/gemini-2.0-flash:generateContent");
  EXPECT_EQ(gemini::request_path("https://x/v1beta/", "models/gemini-pro", true),
            "/models/gemini-pro:streamGenerateContent?alt=sse");
  EXPECT_EQ(gemini::request_path("https://x/v1", "a b/c", false),
            "/models/a%20b%2Fc:generateContent");
}

TEST(Gemini, UpstreamRequestKeepsTheKeyOutOfTheUrl) {
  const std::string body = R"({"model":"g","messages":[{"role":"user","content":"hi"}]})";
  ClientCall call{body, body.find("\"g\""), 3, true, ""};
  Candidate c;
  c.provider_kind = ProviderKind::kGemini;
  c.base_url = "https://generativelanguage.googleapis.com/v1beta";
  c.model = "gemini-2.5-flash";
  auto r = build_upstream_request(c, "AIza-secret", call);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->url,
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.5-flash:streamGenerateContent?alt=sse");
  EXPECT_FALSE(has(r->url, "AIza-secret"));
  EXPECT_EQ(*http::find_header(r->headers, "x-goog-api-key"), "AIza-secret");
  EXPECT_EQ(http::find_header(r->headers, "authorization"), nullptr);
  EXPECT_EQ(r->body, R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})");

  r = build_upstream_request(c, "", call);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(http::find_header(r->headers, "x-goog-api-key"), nullptr);
}

TEST(Gemini, RequestTranslation) {
  const std::string body = R"({"model":"g","max_tokens":50,"max_completion_tokens":100,
    "temperature":0.5,"top_p":0.9,"stop":["END","STOP"],"seed":7,"n":1,"logprobs":false,
    "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},
    "messages":[{"role":"system","content":"sys one"},
      {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
      {"role":"developer","content":[{"type":"text","text":"sys two"}]},
      {"role":"assistant","content":null,"tool_calls":[
        {"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"q\":1}"}},
        {"id":"call_2","type":"function","function":{"name":"put","arguments":""},"extra_content":{"google":{"thought_signature":"SIG"}}}]},
      {"role":"tool","tool_call_id":"call_1","content":"{\"v\":42}"},
      {"role":"tool","tool_call_id":"call_2","content":"done"},
      {"role":"assistant","content":"ok"}],
    "tools":[{"type":"function","function":{"name":"get","description":"d","parameters":{"type":"object","additionalProperties":false}}},
             {"type":"function","function":{"name":"put"}}],
    "tool_choice":{"type":"function","function":{"name":"get"}}})";
  auto r = gemini::translate_request(body, "gemini-2.5-pro");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string& t = r.value();
  EXPECT_TRUE(has(
      t,
      R"({"contents":[{"role":"user","parts":[{"text":"look"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},)"))
      << t;
  EXPECT_TRUE(has(
      t,
      R"({"role":"model","parts":[{"functionCall":{"name":"get","args":{"q":1}}},{"functionCall":{"name":"put","args":{}},"thoughtSignature":"SIG"}]},)"))
      << t;
  // Both results in one user turn; a non-object result is wrapped.
  EXPECT_TRUE(has(
      t,
      R"({"role":"user","parts":[{"functionResponse":{"name":"get","response":{"v":42}}},{"functionResponse":{"name":"put","response":{"content":"done"}}}]},)"))
      << t;
  EXPECT_TRUE(has(t, R"({"role":"model","parts":[{"text":"ok"}]}])")) << t;
  EXPECT_TRUE(has(t, R"("systemInstruction":{"parts":[{"text":"sys one\n\nsys two"}]})")) << t;
  EXPECT_TRUE(has(
      t,
      R"("generationConfig":{"temperature":0.5,"topP":0.9,"seed":7,"maxOutputTokens":100,"stopSequences":["END","STOP"],"responseMimeType":"application/json","responseJsonSchema":{"type":"object"}})"))
      << t;
  EXPECT_TRUE(has(
      t,
      R"("tools":[{"functionDeclarations":[{"name":"get","description":"d","parametersJsonSchema":{"type":"object","additionalProperties":false}},{"name":"put"}]}],)"
      R"("toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get"]}}})"))
      << t;

  r = gemini::translate_request(
      R"({"messages":[{"role":"user","content":"x"}],"max_tokens":9,"stop":"S","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none","response_format":{"type":"json_object"}})",
      "gemini-2.0-flash");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(
      has(r.value(),
          R"("maxOutputTokens":9,"stopSequences":["S"],"responseMimeType":"application/json"})"))
      << r.value();
  EXPECT_TRUE(has(r.value(), R"("functionCallingConfig":{"mode":"NONE"})")) << r.value();
}

TEST(Gemini, ThoughtSignaturesGoBackOrGetThePlaceholder) {
  const std::string body =
      R"({"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[)"
      R"({"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},)"
      R"({"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},)"
      R"({"role":"tool","tool_call_id":"a","content":"1"},{"role":"tool","tool_call_id":"b","content":"2"}]})";
  // Gemini 3 refuses calls without one: the first call of the turn gets Google's placeholder.
  auto r = gemini::translate_request(body, "gemini-3-pro-preview");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has(
      r.value(),
      R"([{"functionCall":{"name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"},{"functionCall":{"name":"f","args":{}}}])"))
      << r.value();
  // Older models get nothing added.
  r = gemini::translate_request(body, "gemini-2.5-flash");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(has(r.value(), "thoughtSignature")) << r.value();
}

TEST(Gemini, ReasoningEffortBecomesTheThinkingSetting) {
  auto config_of = [](std::string_view effort, std::string_view model) {
    const std::string body = R"({"messages":[{"role":"user","content":"a"}],"reasoning_effort":)" +
                             std::string(effort) + "}";
    auto r = gemini::translate_request(body, model);
    if (!r.ok()) return "error:" + r.error().param;
    const size_t at = r.value().find("\"generationConfig\":");
    return at == std::string::npos ? std::string("<none>") : r.value().substr(at + 19);
  };
  EXPECT_EQ(config_of(R"("low")", "gemini-2.5-flash"), R"({"thinkingConfig":{"thinkingBudget":1024}}})");
  EXPECT_EQ(config_of(R"("medium")", "gemini-2.5-pro"), R"({"thinkingConfig":{"thinkingBudget":8192}}})");
  EXPECT_EQ(config_of(R"("high")", "gemini-2.5-pro"), R"({"thinkingConfig":{"thinkingBudget":24576}}})");
  EXPECT_EQ(config_of(R"("none")", "gemini-2.5-flash"), R"({"thinkingConfig":{"thinkingBudget":0}}})");
  EXPECT_EQ(config_of(R"("minimal")", "gemini-2.5-flash"), R"({"thinkingConfig":{"thinkingBudget":1024}}})");
  EXPECT_EQ(config_of(R"("low")", "gemini-3-pro-preview"), R"({"thinkingConfig":{"thinkingLevel":"low"}}})");
  EXPECT_EQ(config_of(R"("high")", "models/gemini-3-flash"), R"({"thinkingConfig":{"thinkingLevel":"high"}}})");
  EXPECT_EQ(config_of("null", "gemini-2.5-flash"), "<none>");
  EXPECT_EQ(config_of(R"("none")", "gemini-3-pro-preview"), "error:reasoning_effort");
  EXPECT_EQ(config_of(R"("extreme")", "gemini-2.5-flash"), "error:reasoning_effort");
  EXPECT_EQ(config_of("3", "gemini-2.5-flash"), "error:reasoning_effort");
}

TEST(Gemini, EmptyTextIsLeftOut) {
  // Gemini refuses empty text parts; an empty assistant turn (or user turn) goes entirely.
  auto r = gemini::translate_request(
      R"({"messages":[{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"a"}]},)"
      R"({"role":"assistant","content":""},{"role":"user","content":null},{"role":"user","content":"b"}]})",
      "gemini-2.0-flash");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(
      r.value(),
      R"({"contents":[{"role":"user","parts":[{"text":"a"}]},{"role":"user","parts":[{"text":"b"}]}]})");
}

TEST(Gemini, RequestRefusalsNameTheField) {
  auto param_of = [](std::string_view body) {
    auto r = gemini::translate_request(body, "gemini-2.0-flash");
    EXPECT_FALSE(r.ok()) << body;
    return r.ok() ? std::string("<ok>") : r.error().param;
  };
  EXPECT_EQ(param_of("[1]"), "");
  EXPECT_EQ(param_of(R"({"model":"g"})"), "messages");
  EXPECT_EQ(param_of(R"({"n":2,"messages":[]})"), "n");
  EXPECT_EQ(param_of(R"({"logprobs":true,"messages":[]})"), "logprobs");
  EXPECT_EQ(param_of(R"({"top_logprobs":2,"messages":[]})"), "top_logprobs");
  EXPECT_EQ(
      param_of(
          R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/cat.png"}}]}]})"),
      "messages[0].content[0].image_url");
  EXPECT_EQ(
      param_of(
          R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"},{"type":"input_audio","input_audio":{}}]}]})"),
      "messages[1].content[1].type");
  EXPECT_EQ(param_of(R"({"messages":[{"role":"tool","tool_call_id":"nope","content":"1"}]})"),
            "messages[0].tool_call_id");
  EXPECT_EQ(param_of(R"({"messages":[{"role":"robot","content":"1"}]})"), "messages[0].role");
  EXPECT_EQ(
      param_of(
          R"({"messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"[1]"}}]}]})"),
      "messages[0].tool_calls[0].function.arguments");
  EXPECT_EQ(param_of(R"({"messages":[],"tools":[{"type":"web_search"}]})"), "tools[0].type");
  EXPECT_EQ(
      param_of(
          R"({"messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":7})"),
      "tool_choice");
  EXPECT_EQ(param_of(R"({"messages":[],"response_format":{"type":"yaml"}})"),
            "response_format.type");
  // Nothing for Gemini's contents: refused here, not by Gemini after a call.
  EXPECT_EQ(param_of(R"({"messages":[]})"), "messages");
  EXPECT_EQ(param_of(R"({"messages":[{"role":"system","content":"you are x"}]})"), "messages");
  EXPECT_EQ(param_of(R"({"messages":[{"role":"user","content":""}]})"), "messages");
}

TEST(Gemini, ResponseTranslation) {
  const std::string answer = R"({"candidates":[{"content":{"role":"model","parts":[
      {"text":"thinking...","thought":true},{"text":"Hel"},{"text":"lo"}]},"finishReason":"STOP","index":0}],
    "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6,"totalTokenCount":10},
    "modelVersion":"gemini-2.0-flash-001","responseId":"r1"})";
  auto r = gemini::translate_response(answer, "gemini-2.0-flash", 123);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(
      r.value(),
      R"({"id":"chatcmpl-r1","object":"chat.completion","created":123,"model":"gemini-2.0-flash",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}})");

  const std::string tools = R"({"candidates":[{"content":{"parts":[
      {"functionCall":{"name":"get","args":{"q":1}},"thoughtSignature":"S1"},
      {"functionCall":{"name":"put","args":{}}}]},"finishReason":"STOP"}],
    "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"thoughtsTokenCount":5,"totalTokenCount":10},"responseId":"r2"})";
  r = gemini::translate_response(tools, "m", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has(
      r.value(),
      R"("message":{"role":"assistant","content":null,"tool_calls":[)"
      R"({"id":"call_r2_0","type":"function","function":{"name":"get","arguments":"{\"q\":1}"},"extra_content":{"google":{"thought_signature":"S1"}}},)"
      R"({"id":"call_r2_1","type":"function","function":{"name":"put","arguments":"{}"}}]},"finish_reason":"tool_calls"})"))
      << r.value();
  EXPECT_TRUE(has(
      r.value(),
      R"("usage":{"prompt_tokens":3,"completion_tokens":7,"total_tokens":10,"completion_tokens_details":{"reasoning_tokens":5}})"))
      << r.value();

  // Cached content: Gemini's promptTokenCount already includes it, as OpenAI's prompt_tokens.
  const std::string cached =
      R"({"candidates":[{"content":{"parts":[{"text":"ok"}]},"finishReason":"STOP"}],
    "usageMetadata":{"promptTokenCount":1200,"cachedContentTokenCount":1024,"candidatesTokenCount":2,"totalTokenCount":1202}})";
  r = gemini::translate_response(cached, "m", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has(
      r.value(),
      R"("usage":{"prompt_tokens":1200,"completion_tokens":2,"total_tokens":1202,"prompt_tokens_details":{"cached_tokens":1024}})"))
      << r.value();

  auto finish_of = [](std::string_view reason) {
    const std::string body =
        R"({"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":")" +
        std::string(reason) + R"("}]})";
    auto t = gemini::translate_response(body, "m", 1);
    const std::string& v = t.value();
    const size_t at = v.find("\"finish_reason\":\"");
    return v.substr(at + 17, v.find('"', at + 17) - at - 17);
  };
  EXPECT_EQ(finish_of("STOP"), "stop");
  EXPECT_EQ(finish_of("MAX_TOKENS"), "length");
  EXPECT_EQ(finish_of("SAFETY"), "content_filter");
  EXPECT_EQ(finish_of("RECITATION"), "content_filter");
  EXPECT_EQ(finish_of("OTHER"), "stop");

  // A blocked prompt has no candidates at all.
  r = gemini::translate_response(R"({"promptFeedback":{"blockReason":"SAFETY"}})", "m", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has(r.value(), R"("content":""},"finish_reason":"content_filter")")) << r.value();
  EXPECT_TRUE(has(r.value(), R"("id":"chatcmpl-1")")) << r.value();

  EXPECT_FALSE(gemini::translate_response("not json", "m", 1).ok());
  EXPECT_FALSE(gemini::translate_response(R"({"error":{"code":500}})", "m", 1).ok());
}

TEST(Gemini, ErrorTranslation) {
  EXPECT_EQ(
      gemini::translate_error(
          R"({"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}})"),
      R"({"error":{"message":"Resource has been exhausted","type":"rate_limit_error","param":null,"code":"resource_exhausted"}})");
  EXPECT_EQ(
      gemini::translate_error(
          R"([{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}])"),
      R"({"error":{"message":"API key not valid.","type":"invalid_request_error","param":null,"code":"invalid_argument"}})");
  EXPECT_TRUE(has(gemini::translate_error(R"({"error":{"code":403,"status":"PERMISSION_DENIED"}})"),
                  R"("type":"permission_error")"));
  EXPECT_TRUE(has(gemini::translate_error(R"({"error":{"code":404,"status":"NOT_FOUND"}})"),
                  R"("type":"not_found_error")"));
  EXPECT_TRUE(
      has(gemini::translate_error(R"({"error":{"code":503,"message":"m","status":"UNAVAILABLE"}})"),
          R"("type":"upstream_error","param":null,"code":"unavailable")"));
  EXPECT_TRUE(has(gemini::translate_error(R"({"error":{"code":500}})"), R"("code":null)"));
  EXPECT_EQ(gemini::translate_error("nope"), "");
  EXPECT_EQ(gemini::translate_error(R"({"candidates":[]})"), "");
}

// Gemini's SSE events as alt=sse sends them (CRLF line ends), one text piece, one tool call,
// then the last piece with finishReason and usage.
const std::string kEvents =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"He\\\"y\"}],\"role\":\"model\"},"
    "\"index\":0}],\"responseId\":\"s1\",\"modelVersion\":\"gemini-x\"}\r\n\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" \xe4\xbd\xa0\xe5\xa5\xbd\"},"
    "{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}},\"thoughtSignature\":\"T\"}],\"role\":"
    "\"model\"},\"index\":0}],"
    "\"responseId\":\"s1\"}\r\n\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"!\"}],\"role\":\"model\"},"
    "\"finishReason\":\"MAX_TOKENS\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":2,"
    "\"candidatesTokenCount\":3,\"totalTokenCount\":5},\"responseId\":\"s1\"}\r\n\r\n";

// What the client gets for kEvents; with include_usage, OpenAI's shape: "usage": null on every
// chunk, then one chunk with no choices and the whole usage just before [DONE].
std::string expected_stream(bool include_usage = false) {
  const std::string head =
      R"(data: {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":7,"model":"gm",)";
  const std::string choice = head + R"("choices":[{"index":0,"delta":)";
  const std::string end = include_usage ? "}],\"usage\":null}\n\n" : "}]}\n\n";
  std::string out =
      choice + R"({"role":"assistant","content":""},"finish_reason":null)" + end + choice +
      R"({"content":"He\"y"},"finish_reason":null)" + end + choice +
      "{\"content\":\" \xe4\xbd\xa0\xe5\xa5\xbd\"},\"finish_reason\":null" + end + choice +
      R"({"tool_calls":[{"index":0,"id":"call_s1_0","type":"function","function":{"name":"f","arguments":"{\"a\":1}"},"extra_content":{"google":{"thought_signature":"T"}}}]},"finish_reason":null)" +
      end + choice + R"({"content":"!"},"finish_reason":null)" + end + choice +
      R"({},"finish_reason":"length")" + end;
  if (include_usage) {
    out += head +
           R"("choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}})" +
           "\n\n";
  }
  return out + "data: [DONE]\n\n";
}

TEST(Gemini, StreamTranslationAtEverySplit) {
  for (const bool include_usage : {false, true}) {
    const std::string want = expected_stream(include_usage);
    // Two reads split at every byte (inside "data:", inside a UTF-8 character, between \r and
    // \n), and one byte per read.
    for (size_t cut = 0; cut <= kEvents.size(); ++cut) {
      gemini::StreamTranslator t("gm", 7, include_usage);
      std::string out = t.feed(std::string_view(kEvents).substr(0, cut));
      out += t.feed(std::string_view(kEvents).substr(cut));
      out += t.finish();
      ASSERT_EQ(out, want) << "cut at " << cut << ", include_usage " << include_usage;
      EXPECT_TRUE(t.done());
      EXPECT_FALSE(t.failed());
    }
    gemini::StreamTranslator t("gm", 7, include_usage);
    std::string out;
    for (char ch : kEvents) out += t.feed(std::string_view(&ch, 1));
    EXPECT_EQ(out, want);
  }
}

TEST(Gemini, StreamUsageOnlyWhenAskedAndOnlyWhatGeminiSent) {
  // Without include_usage no chunk has a usage field, though Gemini sent usageMetadata.
  {
    gemini::StreamTranslator t("gm", 7, false);
    const std::string out = t.feed(kEvents);
    EXPECT_EQ(out.find("usage"), std::string::npos) << out;
  }
  // No usageMetadata at all: null usages, but no usage chunk made up.
  {
    gemini::StreamTranslator t("gm", 7, true);
    const std::string out = t.feed(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":"
        "\"STOP\"}],\"responseId\":\"r\"}\n\n");
    EXPECT_TRUE(t.done());
    EXPECT_TRUE(has(out, R"("finish_reason":"stop"}],"usage":null})")) << out;
    EXPECT_FALSE(has(out, R"("choices":[])")) << out;
    EXPECT_TRUE(out.ends_with("}\n\ndata: [DONE]\n\n")) << out;
  }
  // Gemini's count runs on: the last usageMetadata is the whole request's, even when the event
  // that finishes has none; thinking tokens are completion tokens, as OpenAI counts them.
  {
    gemini::StreamTranslator t("gm", 7, true);
    const std::string out = t.feed(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],\"usageMetadata\":"
        "{\"promptTokenCount\":4,\"totalTokenCount\":4},\"responseId\":\"r\"}\n\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]}}],\"usageMetadata\":"
        "{\"promptTokenCount\":4,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":5,"
        "\"totalTokenCount\":11},\"responseId\":\"r\"}\n\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"STOP\"}],"
        "\"responseId\":\"r\"}\n\n");
    EXPECT_TRUE(t.done());
    const std::string usage_chunk =
        R"(data: {"id":"chatcmpl-r","object":"chat.completion.chunk","created":7,"model":"gm",)"
        R"("choices":[],"usage":{"prompt_tokens":4,"completion_tokens":7,"total_tokens":11,)"
        R"("completion_tokens_details":{"reasoning_tokens":5}}})"
        "\n\n";
    EXPECT_TRUE(out.ends_with(usage_chunk + "data: [DONE]\n\n")) << out;
  }
  // A stream cut short ends with the error event, not with a usage chunk.
  {
    gemini::StreamTranslator t("gm", 7, true);
    std::string out = t.feed(kEvents.substr(0, kEvents.find("\r\n\r\n") + 4));
    out += t.finish();
    EXPECT_TRUE(t.failed());
    EXPECT_FALSE(has(out, R"("choices":[])")) << out;
  }
}

TEST(Gemini, StreamTranslationReadsIncludeUsageFromTheClientBody) {
  Candidate c;
  c.provider_kind = ProviderKind::kGemini;
  c.model = "gm";
  auto run = [&](std::string_view body) {
    StreamTranslation t(c, body, 7);
    std::string out = t.feed(kEvents);
    out += t.finish();
    EXPECT_FALSE(t.failed());
    return out;
  };
  EXPECT_EQ(run(R"({"model":"g","stream":true,"stream_options":{"include_usage":true}})"),
            expected_stream(true));
  EXPECT_EQ(run(R"({"model":"g","stream":true,"stream_options":{"include_usage":false}})"),
            expected_stream(false));
  EXPECT_EQ(run(R"({"model":"g","stream":true})"), expected_stream(false));
}

TEST(Gemini, StreamEndsAndFailures) {
  // The last event without its blank line is still read at the end.
  {
    gemini::StreamTranslator t("gm", 7, false);
    std::string out = t.feed(std::string_view(kEvents).substr(0, kEvents.size() - 4));
    EXPECT_FALSE(t.done());
    out += t.finish();
    EXPECT_TRUE(t.done());
    EXPECT_EQ(out, expected_stream());
  }
  // Cut short: no finishReason ever came.
  {
    gemini::StreamTranslator t("gm", 7, false);
    const std::string first = kEvents.substr(0, kEvents.find("\r\n\r\n") + 4);
    std::string out = t.feed(first);
    EXPECT_TRUE(has(out, R"("content":"He\"y")"));
    const std::string tail = t.finish();
    EXPECT_TRUE(t.failed());
    EXPECT_TRUE(has(tail, R"("code":"upstream_stream_failed")")) << tail;
    EXPECT_EQ(t.finish(), "");
  }
  // An error event in the stream.
  {
    gemini::StreamTranslator t("gm", 7, false);
    const std::string out = t.feed(
        "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":"
        "\"UNAVAILABLE\"}}\n\n");
    EXPECT_TRUE(t.failed());
    EXPECT_TRUE(has(out, "The model is overloaded.")) << out;
    EXPECT_EQ(t.feed(kEvents), "");
  }
  // Not JSON.
  {
    gemini::StreamTranslator t("gm", 7, false);
    t.feed("data: {oops\n\n");
    EXPECT_TRUE(t.failed());
  }
  // A blocked prompt ends the stream at once.
  {
    gemini::StreamTranslator t("gm", 7, false);
    const std::string out = t.feed("data: {\"promptFeedback\":{\"blockReason\":\"OTHER\"}}\n\n");
    EXPECT_TRUE(t.done());
    EXPECT_TRUE(has(out, R"("finish_reason":"content_filter")")) << out;
    EXPECT_TRUE(has(out, "data: [DONE]\n\n"));
  }
}

}  // namespace
}  // namespace sparouter::runtime
