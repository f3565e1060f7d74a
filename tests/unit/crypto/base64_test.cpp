#include "crypto/base64.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace sparouter::crypto {
namespace {

TEST(CryptoBase64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, text] : v) {
    EXPECT_EQ(base64_encode(plain), text);
    EXPECT_EQ(base64_decode(text), std::optional<std::string>(plain));
  }
}

TEST(CryptoBase64, RoundTripsBinary) {
  for (size_t n = 0; n < 70; ++n) {
    auto bytes = random_bytes(n);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(base64_decode(base64_encode(*bytes)), std::optional<std::string>(*bytes));
  }
}

TEST(CryptoBase64, RejectsNonCanonical) {
  EXPECT_FALSE(base64_decode("Zg=").has_value());
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // stray bits
  EXPECT_FALSE(base64_decode("Zm9v\nYmFy").has_value());
  EXPECT_FALSE(base64_decode("Zm9 ").has_value());
  EXPECT_FALSE(base64_decode("Zm9*").has_value());
}

}  // namespace
}  // namespace sparouter::crypto
