#pragma once
// One direction of a BOLT 8 transport: a ChaCha20-Poly1305 key, its nonce counter,
// and the chaining key that rotates it. Sender and receiver each hold their own.
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"

namespace wsn::noise {

// BOLT 8: a key is rotated after it has encrypted (or decrypted) this many times.
inline constexpr uint64_t kRotateAfter = 1000;

class CipherState {
public:
    // ck: the chaining key at the end of the handshake; k: this direction's key.
    CipherState(const crypto::Secret32& ck, const crypto::Secret32& k);

    // Encrypts with the next nonce; out must be plaintext.size() + 16 bytes.
    void encrypt(std::span<const uint8_t> ad, std::span<const uint8_t> plaintext, std::span<uint8_t> out);

    // Decrypts with the next nonce; out must be ciphertext.size() - 16 bytes (ciphertext
    // at least 16). Returns false if authentication fails: out is then zeroed and the
    // nonce is not advanced.
    [[nodiscard]] bool decrypt(std::span<const uint8_t> ad, std::span<const uint8_t> ciphertext,
                               std::span<uint8_t> out);

    // The nonce the next operation uses, and the current key material (tests and vectors).
    uint64_t nonce() const { return n_; }
    const crypto::Secret32& key() const { return k_; }
    const crypto::Secret32& chaining_key() const { return ck_; }

private:
    // Counts one use of the key; the 1000th use rotates: ck', k' = HKDF(ck, k), n = 0.
    void advance();

    crypto::Secret32 ck_;
    crypto::Secret32 k_;
    uint64_t n_ = 0;
    std::unique_ptr<crypto::ChaChaPoly> aead_;  // kept to reuse OpenSSL's context
};

}  // namespace wsn::noise
