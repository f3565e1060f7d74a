#include "config/yaml_scalar.hpp"

#include <gtest/gtest.h>

namespace sparouter::config {
namespace {

TEST(ConfigYamlScalar, QuotesWhatYaml11WouldMistype) {
  for (const char* s :
       {"yes",  "no",  "on",   "off", "y",    "n",    "null", "~", "true", "1.0", "2026-01-01",
        "0x1F", "1e3", "0o17", "017", ".inf", ".nan", "1:30", "",  "-",    "@x",  "#x",
        "a: b", "- x", "[x]",  "{x}", "&a",   "*a",   "!x",   "|", ">"}) {
    EXPECT_EQ(yaml_quote(s).value(), std::string("\"") + s + "\"") << s;
  }
}

TEST(ConfigYamlScalar, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(yaml_quote("a\"b\\c").value(), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(yaml_quote("l1\nl2\tt\r").value(), "\"l1\\nl2\\tt\\r\"");
  EXPECT_EQ(yaml_quote(std::string("a\0b", 3)).value(), "\"a\\x00b\"");
  EXPECT_EQ(yaml_quote("\x7f").value(), "\"\\x7F\"");
}

TEST(ConfigYamlScalar, WritesNonAsciiAsEscapes) {
  EXPECT_EQ(yaml_quote("é").value(), "\"\\xE9\"");
  EXPECT_EQ(yaml_quote("代码").value(), "\"\\u4EE3\\u7801\"");
  EXPECT_EQ(yaml_quote("\xc2\x85").value(), "\"\\x85\"");  // NEL: a line break to YAML
  EXPECT_EQ(yaml_quote("\xf0\x9f\x98\x80").value(), "\"\\U0001F600\"");
}

TEST(ConfigYamlScalar, RefusesInvalidUtf8) {
  EXPECT_FALSE(yaml_quote("\xff").has_value());
  EXPECT_FALSE(yaml_quote("\xc0\xaf").has_value());      // overlong '/'
  EXPECT_FALSE(yaml_quote("\xed\xa0\x80").has_value());  // a surrogate
  EXPECT_FALSE(yaml_quote("abc\xe4\xbb").has_value());   // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_TRUE(is_valid_utf8("plain ascii and 代码"));
}

TEST(ConfigYamlScalar, NumbersInFormsPyYamlResolves) {
  EXPECT_EQ(yaml_number(3), "3");
  EXPECT_EQ(yaml_number(0), "0");
  EXPECT_EQ(yaml_number(-2), "-2");
  EXPECT_EQ(yaml_number(0.25), "0.25");
  EXPECT_EQ(yaml_number(2.5), "2.5");
  EXPECT_EQ(yaml_number(1e-7), "1.0e-07");
  EXPECT_EQ(yaml_number(1.5e-7), "1.5e-07");
  EXPECT_EQ(yaml_number(1e20), "1.0e+20");
}

}  // namespace
}  // namespace sparouter::config
