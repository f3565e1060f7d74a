// A clear secret (an API key after opening it) whose bytes are wiped when it dies, and that
// cannot be printed by accident: no operator<<, and gtest's PrintTo shows a placeholder.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace sparouter::crypto {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string_view s);
  // Adopts `s` and wipes nothing of the caller's: the buffer moves in.
  static SecretString adopt(std::string&& s);
  SecretString(const SecretString& other);
  SecretString& operator=(const SecretString& other);
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  ~SecretString();

  std::string_view view() const noexcept { return s_; }
  size_t size() const noexcept { return s_.size(); }
  bool empty() const noexcept { return s_.empty(); }

 private:
  void wipe() noexcept;
  std::string s_;
};

// Wipes a std::string's bytes in place (for temporaries that held a secret).
void wipe(std::string& s) noexcept;

// For GoogleTest: an assertion that fails never prints the secret.
void PrintTo(const SecretString& s, std::ostream* os);

}  // namespace sparouter::crypto
