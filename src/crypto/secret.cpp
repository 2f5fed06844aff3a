#include "crypto/secret.hpp"

#include <openssl/crypto.h>

namespace wsn::crypto {

void wipe(void* p, size_t n) { OPENSSL_cleanse(p, n); }

bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wsn::crypto
