#include "crypto/random.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <unistd.h>

#include <mutex>

namespace sparouter::crypto {
namespace {

class Drbg {
 public:
  Drbg() {
    mbedtls_entropy_init(&entropy_);
    mbedtls_ctr_drbg_init(&drbg_);
  }
  ~Drbg() {
    mbedtls_ctr_drbg_free(&drbg_);
    mbedtls_entropy_free(&entropy_);
  }

  Status fill(uint8_t* out, size_t len) {
    std::lock_guard<std::mutex> lock(mu_);
    const pid_t pid = getpid();
    if (!seeded_) {
      static const unsigned char kPers[] = "sparouter secret box";
      if (mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, kPers, sizeof kPers) !=
          0) {
        return Error{Code::kInternal, "cannot seed the random generator", ""};
      }
      seeded_ = true;
      pid_ = pid;
    } else if (pid != pid_) {
      // A forked child shares the parent's DRBG state: fresh entropy plus the pid splits them.
      if (mbedtls_ctr_drbg_reseed(&drbg_, reinterpret_cast<const unsigned char*>(&pid),
                                  sizeof pid) != 0) {
        return Error{Code::kInternal, "cannot reseed the random generator", ""};
      }
      pid_ = pid;
    }
    while (len > 0) {
      const size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
      if (mbedtls_ctr_drbg_random(&drbg_, out, n) != 0) {
        return Error{Code::kInternal, "the random generator failed", ""};
      }
      out += n;
      len -= n;
    }
    return {};
  }

 private:
  std::mutex mu_;
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
  bool seeded_ = false;
  pid_t pid_ = 0;
};

Drbg& drbg() {
  static Drbg* d = new Drbg();  // never destroyed: usable from static destructors too
  return *d;
}

}  // namespace

Status random_fill(uint8_t* out, size_t len) { return drbg().fill(out, len); }

Result<std::string> random_bytes(size_t len) {
  std::string s(len, '\0');
  if (Status st = random_fill(reinterpret_cast<uint8_t*>(s.data()), len); !st.ok()) return st;
  return s;
}

}  // namespace sparouter::crypto
