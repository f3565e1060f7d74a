#include "crypto/secret_box.hpp"

#include <gtest/gtest.h>

#include <set>

#include "crypto/base64.hpp"

namespace sparouter::crypto {
namespace {

constexpr std::string_view kSecret = "correct horse battery staple";
constexpr std::string_view kKey = "sk-test-0123456789abcdefghijklmnop";

std::string salt() { return std::string(kSaltSize, '\x42'); }

SecretBox box(std::string_view secret = kSecret, const std::string& s = salt()) {
  auto b = SecretBox::derive(secret, s);
  EXPECT_TRUE(b.ok()) << b.error().message;
  return std::move(b).value();
}

TEST(CryptoSecretBox, SealsAndOpens) {
  SecretBox b = box();
  auto sealed = b.seal(kKey, "openai-main");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed->find(kKey), std::string::npos);
  auto opened = b.open(*sealed, "openai-main");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE(opened->view() == kKey);
}

TEST(CryptoSecretBox, FormatIsNonceCiphertextTag) {
  auto sealed = box().seal(kKey);
  ASSERT_TRUE(sealed.ok());
  auto raw = base64_decode(std::string_view(*sealed).substr(3));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), kNonceSize + kKey.size() + kTagSize);
}

TEST(CryptoSecretBox, FreshNonceEverySeal) {
  SecretBox b = box();
  std::set<std::string> nonces, sealed;
  for (int i = 0; i < 200; ++i) {
    auto s = b.seal(kKey);
    ASSERT_TRUE(s.ok());
    sealed.insert(*s);
    nonces.insert(base64_decode(std::string_view(*s).substr(3))->substr(0, kNonceSize));
  }
  EXPECT_EQ(nonces.size(), 200u);
  EXPECT_EQ(sealed.size(), 200u);
}

TEST(CryptoSecretBox, EmptyPlainTextRoundTrips) {
  SecretBox b = box();
  auto s = b.seal("");
  ASSERT_TRUE(s.ok());
  auto o = b.open(*s);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->empty());
}

TEST(CryptoSecretBox, WrongSecretFailsToOpen) {
  auto sealed = box().seal(kKey);
  ASSERT_TRUE(sealed.ok());
  auto o = box("another secret of enough length").open(*sealed);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message.find(kKey), std::string::npos);
}

TEST(CryptoSecretBox, WrongSaltFailsToOpen) {
  auto sealed = box().seal(kKey);
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(box(kSecret, std::string(kSaltSize, '\x43')).open(*sealed).ok());
}

TEST(CryptoSecretBox, WrongContextFailsToOpen) {
  SecretBox b = box();
  auto sealed = b.seal(kKey, "provider-a");
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(b.open(*sealed, "provider-b").ok());
  EXPECT_FALSE(b.open(*sealed).ok());
}

TEST(CryptoSecretBox, EveryFlippedBitIsDetected) {
  SecretBox b = box();
  auto sealed = b.seal(kKey);
  ASSERT_TRUE(sealed.ok());
  std::string raw = *base64_decode(std::string_view(*sealed).substr(3));
  for (size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = raw;
      t[i] = static_cast<char>(t[i] ^ (1 << bit));
      auto o = b.open("v1:" + base64_encode(t));
      ASSERT_FALSE(o.ok()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(CryptoSecretBox, TruncatedAndMalformedAreErrors) {
  SecretBox b = box();
  auto sealed = b.seal(kKey);
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(b.open(sealed->substr(0, sealed->size() - 4)).ok());
  EXPECT_FALSE(b.open("v1:").ok());
  EXPECT_FALSE(b.open("v1:!!!!").ok());
  EXPECT_FALSE(b.open("v2:" + sealed->substr(3)).ok());
  EXPECT_FALSE(b.open(std::string(kKey)).ok());  // a plaintext key is never accepted
  auto short_raw = "v1:" + base64_encode(std::string(kNonceSize + kTagSize - 1, 'x'));
  EXPECT_FALSE(b.open(short_raw).ok());
}

TEST(CryptoSecretBox, KeyCheckTellsSecretsApart) {
  SecretBox a = box();
  EXPECT_EQ(a.key_check().rfind("kc1:", 0), 0u);
  EXPECT_TRUE(a.matches(box().key_check()));
  EXPECT_FALSE(a.matches(box("another secret of enough length").key_check()));
  EXPECT_FALSE(a.matches(box(kSecret, std::string(kSaltSize, '\x01')).key_check()));
  EXPECT_FALSE(a.matches(""));
  // The check value is not the AEAD key nor anything that opens a sealed value.
  EXPECT_EQ(a.key_check().find(kSecret), std::string::npos);
}

TEST(CryptoSecretBox, RefusesMissingOrShortSecret) {
  auto empty = SecretBox::derive("", salt());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().param, "APP_SECRET");
  auto short_secret = SecretBox::derive("short", salt());
  ASSERT_FALSE(short_secret.ok());
  EXPECT_EQ(short_secret.error().param, "APP_SECRET");
  EXPECT_EQ(short_secret.error().message.find("short"), std::string::npos);
  EXPECT_FALSE(SecretBox::derive(kSecret, "tiny").ok());
}

TEST(CryptoSecretBox, NewSaltIsRandom) {
  auto a = SecretBox::new_salt();
  auto b = SecretBox::new_salt();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), kSaltSize);
  EXPECT_NE(*a, *b);
}

TEST(CryptoSecretBox, MovedBoxStillWorks) {
  SecretBox a = box();
  auto sealed = a.seal(kKey);
  ASSERT_TRUE(sealed.ok());
  SecretBox b = std::move(a);
  auto o = b.open(*sealed);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->view() == kKey);
}

TEST(CryptoSecretString, PrintsAPlaceholder) {
  SecretString s(kKey);
  std::string printed = ::testing::PrintToString(s);
  EXPECT_EQ(printed.find(kKey), std::string::npos);
  EXPECT_NE(printed.find("secret"), std::string::npos);
}

TEST(CryptoSecretString, CopiesAndMoves) {
  SecretString a(kKey);
  SecretString b = a;
  SecretString c = std::move(a);
  EXPECT_TRUE(b.view() == kKey);
  EXPECT_TRUE(c.view() == kKey);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped and empty
  std::string small = "tiny";
  SecretString d = SecretString::adopt(std::move(small));
  EXPECT_TRUE(d.view() == "tiny");
}

}  // namespace
}  // namespace sparouter::crypto
