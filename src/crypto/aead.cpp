#include "crypto/aead.hpp"

#include <algorithm>

#include <openssl/evp.h>

#include <cstdlib>

namespace wsn::crypto {

namespace {

void check(int ok) {
    if (ok != 1) std::abort();
}

void make_nonce(uint64_t n, uint8_t out[12]) {
    for (int i = 0; i < 4; ++i) out[i] = 0;
    for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<uint8_t>(n >> (8 * i));
}

// OpenSSL's ChaCha20-Poly1305 runs a whole update on a slower path when its length is
// not a multiple of 256 bytes (2.7 instead of 3.5 GB/s at 65519 bytes, the wsn chunk);
// feeding the largest multiple of 256 first and the rest after keeps the fast path.
void update(EVP_CIPHER_CTX* c, uint8_t* out, const uint8_t* in, size_t n) {
    int len = 0;
    size_t head = n / 256 * 256;
    if (head) check(EVP_CipherUpdate(c, out, &len, in, static_cast<int>(head)));
    if (n > head) check(EVP_CipherUpdate(c, out + head, &len, in + head, static_cast<int>(n - head)));
}

// Fetched once: OpenSSL 3 looks the algorithm up by name (under a lock) each time a
// context is set up with EVP_chacha20_poly1305(), and a handshake sets up several.
const EVP_CIPHER* chacha20_poly1305() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    if (!cipher) std::abort();
    return cipher;
}

EVP_CIPHER_CTX* new_ctx(int enc) {
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    if (!c) std::abort();
    check(EVP_CipherInit_ex(c, chacha20_poly1305(), nullptr, nullptr, nullptr, enc));
    return c;
}

}  // namespace

ChaChaPoly::ChaChaPoly() : enc_(new_ctx(1)), dec_(new_ctx(0)) {}

ChaChaPoly::~ChaChaPoly() {
    EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(enc_));
    EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(dec_));
}

void ChaChaPoly::seal(const Secret32& key, uint64_t nonce, std::span<const uint8_t> ad,
                      std::span<const uint8_t> plaintext, std::span<uint8_t> out) {
    if (out.size() != plaintext.size() + kTagSize) std::abort();  // caller bug
    auto* c = static_cast<EVP_CIPHER_CTX*>(enc_);
    uint8_t iv[12];
    make_nonce(nonce, iv);
    int len = 0;
    check(EVP_EncryptInit_ex(c, nullptr, nullptr, key.data(), iv));
    if (!ad.empty()) check(EVP_EncryptUpdate(c, nullptr, &len, ad.data(), static_cast<int>(ad.size())));
    update(c, out.data(), plaintext.data(), plaintext.size());
    check(EVP_EncryptFinal_ex(c, out.data() + plaintext.size(), &len));
    check(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, kTagSize, out.data() + plaintext.size()));
}

bool ChaChaPoly::open(const Secret32& key, uint64_t nonce, std::span<const uint8_t> ad,
                      std::span<const uint8_t> ciphertext, std::span<uint8_t> out) {
    if (ciphertext.size() < kTagSize || out.size() != ciphertext.size() - kTagSize) std::abort();
    auto* c = static_cast<EVP_CIPHER_CTX*>(dec_);
    uint8_t iv[12];
    make_nonce(nonce, iv);
    int len = 0;
    size_t n = ciphertext.size() - kTagSize;
    check(EVP_DecryptInit_ex(c, nullptr, nullptr, key.data(), iv));
    if (!ad.empty()) check(EVP_DecryptUpdate(c, nullptr, &len, ad.data(), static_cast<int>(ad.size())));
    update(c, out.data(), ciphertext.data(), n);
    uint8_t tag[kTagSize];
    std::copy_n(ciphertext.data() + n, kTagSize, tag);
    check(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kTagSize, tag));
    if (EVP_DecryptFinal_ex(c, out.data() + n, &len) != 1) {
        wipe(out.data(), out.size());
        return false;
    }
    return true;
}

}  // namespace wsn::crypto
