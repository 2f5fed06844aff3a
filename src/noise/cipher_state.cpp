#include "noise/cipher_state.hpp"

#include "crypto/hash.hpp"

namespace wsn::noise {

CipherState::CipherState(const crypto::Secret32& ck, const crypto::Secret32& k)
    : ck_(ck), k_(k), aead_(std::make_unique<crypto::ChaChaPoly>()) {}

void CipherState::encrypt(std::span<const uint8_t> ad, std::span<const uint8_t> plaintext,
                          std::span<uint8_t> out) {
    aead_->seal(k_, n_, ad, plaintext, out);
    advance();
}

bool CipherState::decrypt(std::span<const uint8_t> ad, std::span<const uint8_t> ciphertext,
                          std::span<uint8_t> out) {
    if (!aead_->open(k_, n_, ad, ciphertext, out)) return false;
    advance();
    return true;
}

void CipherState::advance() {
    if (++n_ < kRotateAfter) return;
    auto next = crypto::hkdf2(ck_.span(), k_.span());
    ck_ = std::move(next.first);
    k_ = std::move(next.second);
    n_ = 0;
}

}  // namespace wsn::noise
