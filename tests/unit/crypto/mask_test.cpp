#include "crypto/mask.hpp"

#include <gtest/gtest.h>

namespace sparouter::crypto {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

size_t shown(const std::string& masked) { return masked.size() - kEllipsis.size(); }

TEST(CryptoMask, LongKeyShowsLeadAndLastFour) {
  EXPECT_EQ(mask_key("sk-proj-abcdefghijklmnopqrstuvwxyz0123a1b2"),
            "sk-\xE2\x80\xA6"
            "a1b2");
}

TEST(CryptoMask, NeverMoreThanAThird) {
  std::string key;
  for (size_t n = 0; n < 80; ++n) {
    std::string m = mask_key(key);
    ASSERT_NE(m.find(kEllipsis), std::string::npos) << "length " << n;
    EXPECT_LE(shown(m) * 3, n) << "length " << n;
    key += static_cast<char>('a' + n % 26);
  }
}

TEST(CryptoMask, ShortKeysShowLessOrNothing) {
  EXPECT_EQ(mask_key(""), kEllipsis);
  EXPECT_EQ(mask_key("abc"), kEllipsis);
  EXPECT_EQ(mask_key("abcdefg"), kEllipsis);
  EXPECT_EQ(mask_key("abcdefgh"),
            "\xE2\x80\xA6"
            "gh");  // 8 chars: 2 shown
  EXPECT_EQ(mask_key("abcdefghijkl"),
            "\xE2\x80\xA6"
            "ijkl");  // 12: the tail only
  EXPECT_EQ(mask_key("abcdefghijklmnopqrstu"),
            "abc\xE2\x80\xA6"
            "rstu");  // 21: 3 + 4
}

TEST(CryptoMask, NonAsciiIsNotCut) {
  EXPECT_EQ(mask_key("cl\xC3\xA9-secr\xC3\xA8te-1234567890"), kEllipsis);
  EXPECT_EQ(mask_key("key with spaces 1234567890"), kEllipsis);
}

}  // namespace
}  // namespace sparouter::crypto
