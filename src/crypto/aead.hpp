#pragma once
// ChaCha20-Poly1305 (RFC 8439) over OpenSSL 3, with the BOLT 8 nonce layout:
// 32 zero bits then a 64-bit little-endian counter.
#include <cstdint>
#include <span>

#include "crypto/secret.hpp"

namespace wsn::crypto {

inline constexpr size_t kTagSize = 16;

// A reusable ChaCha20-Poly1305 context (the EVP context is kept to avoid re-allocation).
class ChaChaPoly {
public:
    ChaChaPoly();
    ~ChaChaPoly();
    ChaChaPoly(const ChaChaPoly&) = delete;
    ChaChaPoly& operator=(const ChaChaPoly&) = delete;

    // Writes plaintext.size() + 16 bytes to out (which must be that size; may not overlap
    // plaintext except exactly).
    void seal(const Secret32& key, uint64_t nonce, std::span<const uint8_t> ad,
              std::span<const uint8_t> plaintext, std::span<uint8_t> out);

    // Opens ciphertext (with tag) into out (ciphertext.size() - 16 bytes).
    // Returns false if authentication fails; out is then zeroed.
    [[nodiscard]] bool open(const Secret32& key, uint64_t nonce, std::span<const uint8_t> ad,
                            std::span<const uint8_t> ciphertext, std::span<uint8_t> out);

private:
    void* enc_;  // EVP_CIPHER_CTX*
    void* dec_;
};

}  // namespace wsn::crypto
