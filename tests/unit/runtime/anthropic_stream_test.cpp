// The Anthropic stream translation and OpenAI's stream usage contract: with
// stream_options.include_usage every chunk has "usage": null and one more chunk, with
// "choices": [] and the whole usage, comes just before [DONE]; without it no chunk has a usage
// field. Anthropic itself has no stream_options: the request never carries it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/anthropic.hpp"
#include "runtime/translation.hpp"

namespace sparouter::runtime {
namespace {

// A Messages stream as Anthropic sends it: input tokens in message_start, the running output
// count in message_delta.
std::string anthropic_events(std::string_view start_usage, std::string_view delta_usage) {
  return std::string(
             "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\","
             "\"model\":\"c\"") +
         (start_usage.empty() ? "" : ",\"usage\":" + std::string(start_usage)) +
         "}}\n\n"
         "event: ping\ndata: {\"type\":\"ping\"}\n\n"
         "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
         "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
         "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
         "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
         "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
         "\"end_turn\",\"stop_sequence\":null}" +
         (delta_usage.empty() ? "" : ",\"usage\":" + std::string(delta_usage)) +
         "}\n\n"
         "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

const std::string kEvents = anthropic_events(
    R"({"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1})",
    R"({"output_tokens":15})");

// The data of every SSE event of an OpenAI stream, in order.
std::vector<std::string> datas(std::string_view sse) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < sse.size()) {
    const size_t end = sse.find("\n\n", at);
    EXPECT_NE(end, std::string_view::npos) << "an unfinished event in: " << sse;
    if (end == std::string_view::npos) break;
    const std::string_view event = sse.substr(at, end - at);
    EXPECT_EQ(event.substr(0, 6), "data: ") << event;
    out.emplace_back(event.substr(6));
    at = end + 2;
  }
  return out;
}

std::string translate(std::string_view events, bool include_usage) {
  anthropic::StreamTranslator t(7, include_usage);
  std::string out;
  for (size_t i = 0; i < events.size(); i += 11) out += t.feed(events.substr(i, 11));
  EXPECT_TRUE(t.done());
  EXPECT_FALSE(t.failed());
  return out;
}

TEST(AnthropicStream, UsageChunkLastBeforeDoneWhenAsked) {
  const std::vector<std::string> got = datas(translate(kEvents, true));
  ASSERT_GE(got.size(), 5u);
  EXPECT_EQ(got.back(), "[DONE]");
  // Every chunk but the last has a null usage; the finish reason is on a chunk with a choice.
  for (size_t i = 0; i + 2 < got.size(); ++i) {
    rapidjson::Document d;
    d.Parse(got[i].c_str());
    ASSERT_FALSE(d.HasParseError()) << got[i];
    ASSERT_TRUE(d.HasMember("usage")) << got[i];
    EXPECT_TRUE(d["usage"].IsNull()) << got[i];
    EXPECT_EQ(d["choices"].Size(), 1u) << got[i];
  }
  EXPECT_EQ(got[got.size() - 3],
            R"({"id":"m1","object":"chat.completion.chunk","created":7,"model":"c","choices":)"
            R"([{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null})");
  EXPECT_EQ(got[got.size() - 2],
            R"({"id":"m1","object":"chat.completion.chunk","created":7,"model":"c","choices":[],)"
            R"("usage":{"prompt_tokens":25,"completion_tokens":15,"total_tokens":40,)"
            R"("prompt_tokens_details":{"cached_tokens":0}}})");
}

TEST(AnthropicStream, PromptTokensCountTheCacheAsOpenAIDoes) {
  // Anthropic's input_tokens leaves out the tokens written to and read from the prompt cache;
  // OpenAI's prompt_tokens counts them all, with the reads again as cached_tokens.
  const std::vector<std::string> got = datas(translate(
      anthropic_events(
          R"({"input_tokens":5,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":1})",
          R"({"output_tokens":7})"),
      true));
  ASSERT_GE(got.size(), 2u);
  EXPECT_NE(got[got.size() - 2].find(
                R"("usage":{"prompt_tokens":2105,"completion_tokens":7,"total_tokens":2112,)"
                R"("prompt_tokens_details":{"cached_tokens":2000}}})"),
            std::string::npos)
      << got[got.size() - 2];
}

TEST(AnthropicStream, NoUsageFieldAnywhereWithoutIncludeUsage) {
  const std::string out = translate(kEvents, false);
  EXPECT_EQ(out.find("usage"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"choices\":[]"), std::string::npos) << out;
  const std::vector<std::string> got = datas(out);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.back(), "[DONE]");
  EXPECT_NE(got[got.size() - 2].find(R"("finish_reason":"stop")"), std::string::npos);
}

TEST(AnthropicStream, NoUsageReportedMeansNoUsageChunk) {
  // Nothing is made up: no usage from the upstream, no usage chunk (the null usages stay).
  const std::string out = translate(anthropic_events("", ""), true);
  const std::vector<std::string> got = datas(out);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.back(), "[DONE]");
  EXPECT_NE(got[got.size() - 2].find(R"("finish_reason":"stop"}],"usage":null})"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("\"choices\":[]"), std::string::npos) << out;
}

TEST(AnthropicStream, OutputCountIsMessageDeltasRunningTotal) {
  // message_start's output count is replaced by message_delta's; input tokens that come again
  // in message_delta win too. Only an input count: the output is 0.
  std::vector<std::string> got =
      datas(translate(anthropic_events(R"({"input_tokens":3,"output_tokens":1})",
                                       R"({"input_tokens":4,"output_tokens":9})"),
                      true));
  ASSERT_GE(got.size(), 2u);
  EXPECT_NE(
      got[got.size() - 2].find(
          R"("choices":[],"usage":{"prompt_tokens":4,"completion_tokens":9,"total_tokens":13}})"),
      std::string::npos)
      << got[got.size() - 2];
  got = datas(translate(anthropic_events(R"({"input_tokens":3})", ""), true));
  ASSERT_GE(got.size(), 2u);
  EXPECT_NE(
      got[got.size() - 2].find(
          R"("choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}})"),
      std::string::npos)
      << got[got.size() - 2];
}

TEST(AnthropicStream, BrokenStreamSendsNoUsageChunk) {
  anthropic::StreamTranslator t(7, true);
  const std::string head = kEvents.substr(0, kEvents.find("event: message_delta"));
  std::string out = t.feed(head);
  out += t.feed(
      "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
      "\"message\":\"Overloaded\"}}\n\n");
  EXPECT_TRUE(t.failed());
  EXPECT_EQ(out.find("\"choices\":[]"), std::string::npos) << out;
  EXPECT_EQ(out.find("[DONE]"), std::string::npos) << out;
}

TEST(AnthropicStream, ClientBodyDecidesIncludeUsage) {
  Candidate c;
  c.provider_kind = ProviderKind::kAnthropic;
  c.model = "claude-x";
  auto run = [&](std::string_view body) {
    StreamTranslation t(c, body, 7);
    std::string out = t.feed(kEvents);
    out += t.finish();
    EXPECT_FALSE(t.failed());
    return out;
  };
  const std::string asked =
      run(R"({"model":"g","stream":true,"stream_options":{"include_usage":true},"messages":[]})");
  EXPECT_NE(asked.find(R"("choices":[],"usage":{"prompt_tokens":25,)"), std::string::npos) << asked;
  EXPECT_EQ(asked.substr(asked.size() - 14), "data: [DONE]\n\n");
  for (std::string_view body : {
           R"({"model":"g","stream":true,"stream_options":{"include_usage":false},"messages":[]})",
           R"({"model":"g","stream":true,"messages":[]})",
           R"({"model":"g","stream":true,"stream_options":null,"messages":[]})",
           R"({"model":"g","stream":true,"stream_options":{"include_usage":"true"},"messages":[]})",
           R"({"model":"g","stream":true,"messages":[{"role":"user","content":"include_usage"}]})",
       }) {
    const std::string out = run(body);
    EXPECT_EQ(out.find("usage"), std::string::npos) << body << "\n" << out;
  }
}

TEST(AnthropicStream, WantsStreamUsage) {
  EXPECT_TRUE(wants_stream_usage(R"({"stream_options":{"include_usage":true}})"));
  EXPECT_TRUE(wants_stream_usage(R"({"stream_options" : { "include_usage" : true }, "n":1})"));
  EXPECT_FALSE(wants_stream_usage(R"({"stream_options":{"include_usage":false}})"));
  EXPECT_FALSE(wants_stream_usage(R"({"stream_options":{}})"));
  EXPECT_FALSE(wants_stream_usage(R"({"include_usage":true})"));  // not where OpenAI reads it
  EXPECT_FALSE(wants_stream_usage(R"({"stream_options":{"include_usage":1}})"));
  EXPECT_FALSE(wants_stream_usage(R"({"stream_options":{"include_usage":true})"));  // not JSON
  EXPECT_FALSE(wants_stream_usage(""));
}

TEST(AnthropicStream, RequestNeverCarriesStreamOptions) {
  // Messages has no stream_options (Anthropic refuses unknown fields); its stream reports usage
  // by itself.
  const std::string body = R"({"model":"g","stream":true,"stream_options":{"include_usage":true},)"
                           R"("messages":[{"role":"user","content":"hi"}]})";
  auto r = anthropic::translate_request(body, "claude-x", true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->find("stream_options"), std::string::npos) << *r;
  EXPECT_EQ(r->find("include_usage"), std::string::npos) << *r;
  EXPECT_NE(r->find(R"("stream":true)"), std::string::npos) << *r;
}

TEST(AnthropicStream, DeeplyNestedBodyIsRefusedNotACrash) {
  // A client's body nested a million levels deep (under the 8 MiB limit) overflowed the stack
  // in rapidjson's recursive parser and killed the server.
  const size_t depth = 1000000;
  const std::string body = R"({"model":"g","messages":[{"role":"user","content":"hi"}],"x":)" +
                           std::string(depth, '[') + std::string(depth, ']') + "}";
  EXPECT_FALSE(anthropic::translate_request(body, "claude-x", false).ok());
  EXPECT_FALSE(wants_stream_usage(body + R"({"include_usage":true})"));
}

}  // namespace
}  // namespace sparouter::runtime
