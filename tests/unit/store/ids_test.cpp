#include "store/ids.hpp"

#include <gtest/gtest.h>

#include <set>

#include "model/names.hpp"

namespace sparouter::store {
namespace {

// `text` matches `shape`, where '9' stands for a digit, 'x' for a lowercase hex digit.
bool shaped(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    if (shape[i] == '9'   ? !digit
        : shape[i] == 'x' ? !(digit || (c >= 'a' && c <= 'f'))
                          : c != shape[i]) {
      return false;
    }
  }
  return true;
}

TEST(StoreIds, SlugOfNames) {
  EXPECT_EQ(slug("OpenAI main"), "openai-main");
  EXPECT_EQ(slug("  DeepSeek / Chat (EU) "), "deepseek-chat-eu");
  EXPECT_EQ(slug("LM-Studio_local.1"), "lm-studio-local-1");
  EXPECT_EQ(slug("Ünïcode"), "n-code");
  EXPECT_EQ(slug("!!!"), "");
  EXPECT_EQ(slug(""), "");
  EXPECT_LE(slug(std::string(500, 'a')).size(), 120u);
  EXPECT_TRUE(model::is_valid_id(slug("Any Name 42")));
}

TEST(StoreIds, RandomDeploymentIdsAreValidAndDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = random_deployment_id("code");
    EXPECT_TRUE(shaped(id, "code-xxxxxx")) << id;
    ids.insert(id);
  }
  EXPECT_GT(ids.size(), 95u);
  EXPECT_TRUE(model::is_valid_id(random_deployment_id(std::string(128, 'g'))));
}

TEST(StoreIds, NowIsRfc3339Utc) {
  EXPECT_TRUE(shaped(now_rfc3339(), "9999-99-99T99:99:99Z")) << now_rfc3339();
}

}  // namespace
}  // namespace sparouter::store
