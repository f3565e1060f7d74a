#include "dotenv.hpp"

#include <gtest/gtest.h>

namespace sparouter::server {
namespace {

TEST(Dotenv, ParsesPlainQuotedAndCommentedLines) {
  auto env = parse_dotenv(
      "# comment\n"
      "\n"
      "PORT=9000\n"
      "export HOST = 0.0.0.0\n"
      "APP_SECRET='a b#c $x'\n"
      "TOKEN=\"line\\nnext \\\"q\\\"\" # trailing comment\n"
      "KEYS=k1,k2 # comment\n"
      "EMPTY=\n"
      "WIN=crlf\r\n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->at("PORT"), "9000");
  EXPECT_EQ(env->at("HOST"), "0.0.0.0");
  EXPECT_EQ(env->at("APP_SECRET"), "a b#c $x");
  EXPECT_EQ(env->at("TOKEN"), "line\nnext \"q\"");
  EXPECT_EQ(env->at("KEYS"), "k1,k2");
  EXPECT_EQ(env->at("EMPTY"), "");
  EXPECT_EQ(env->at("WIN"), "crlf");
}

TEST(Dotenv, ErrorsNameTheLine) {
  auto bad = parse_dotenv("A=1\nnot a line\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_dotenv("1X=2").ok());
  EXPECT_FALSE(parse_dotenv("A=\"open").ok());
  EXPECT_FALSE(parse_dotenv("A='x' y").ok());
}

TEST(Dotenv, TheEnvironmentWinsOverTheFile) {
  char path[] = "/tmp/sparouter-dotenv-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "PORT=1\nHOST=file-host\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  char port[] = "PORT=2";
  char* vars[] = {port, nullptr};
  auto env = load_environment(path, vars);
  unlink(path);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->at("PORT"), "2");
  EXPECT_EQ(env->at("HOST"), "file-host");
  // A missing file is no error.
  EXPECT_TRUE(load_environment("/nonexistent/.env", vars).ok());
}

}  // namespace
}  // namespace sparouter::server
