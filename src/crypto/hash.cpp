#include "crypto/hash.hpp"

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace wsn::crypto {

namespace {
// OpenSSL failures here mean a broken library or out of memory, never bad input.
void check(int ok) {
    if (ok != 1) std::abort();
}
}  // namespace

Hash32 sha256(std::span<const uint8_t> data) {
    Hash32 out;
    SHA256(data.data(), data.size(), out.data());
    return out;
}

Hash32 sha256(std::string_view data) {
    return sha256(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Hash32 sha3_256(std::span<const uint8_t> data) {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA3-256", nullptr);
    if (!md) std::abort();
    Hash32 out;
    check(EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr));
    return out;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    // Fetched once: OpenSSL 3 looks EVP_sha256() up by name (under a lock) on each init.
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (!ctx_ || !md) std::abort();
    check(EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), md, nullptr));
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Sha256& Sha256::update(std::span<const uint8_t> data) {
    check(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()));
    return *this;
}

Sha256& Sha256::update(std::string_view data) {
    return update(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Hash32 Sha256::finish() {
    Hash32 out;
    check(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), nullptr));
    return out;
}

// One HMAC-SHA256 context per thread, re-keyed per call: the one-shot HMAC() fetches
// the algorithm and builds a context each time, three times slower for short inputs
// (a handshake runs twelve HMACs).
Hash32 hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
    struct Ctx {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
        Ctx() {
            char digest[] = "SHA256";
            OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                   OSSL_PARAM_construct_end()};
            if (!ctx || EVP_MAC_CTX_set_params(ctx, params) != 1) std::abort();
        }
        ~Ctx() {
            EVP_MAC_CTX_free(ctx);
            EVP_MAC_free(mac);
        }
    };
    thread_local Ctx c;
    static const uint8_t empty = 0;  // EVP_MAC_init treats a null key as "keep the old one"
    Hash32 out;
    size_t len = 0;
    check(EVP_MAC_init(c.ctx, key.empty() ? &empty : key.data(), key.size(), nullptr));
    check(EVP_MAC_update(c.ctx, data.data(), data.size()));
    check(EVP_MAC_final(c.ctx, out.data(), &len, out.size()));
    return out;
}

// HKDF by its definition (RFC 5869) over HMAC: for the 64 bytes BOLT 8 needs this is
// three HMACs, much cheaper than setting up an EVP_KDF context per call.
void hkdf_sha256(std::span<const uint8_t> salt, std::span<const uint8_t> ikm, std::span<uint8_t> out) {
    Secret32 prk;
    {
        Hash32 p = hmac_sha256(salt, ikm);
        std::copy(p.begin(), p.end(), prk.data());
        wipe(p.data(), p.size());
    }
    uint8_t block[32 + 1];
    size_t prev_len = 0;
    uint8_t counter = 1;
    for (size_t done = 0; done < out.size(); ++counter) {
        block[prev_len] = counter;
        Hash32 t = hmac_sha256(prk.span(), std::span(block, prev_len + 1));
        size_t n = std::min(t.size(), out.size() - done);
        std::copy_n(t.begin(), n, out.begin() + done);
        done += n;
        std::copy(t.begin(), t.end(), block);
        prev_len = 32;
        wipe(t.data(), t.size());
    }
    wipe(block, sizeof block);
}

KeyPair32 hkdf2(std::span<const uint8_t> salt, std::span<const uint8_t> ikm) {
    Secret<64> both;
    hkdf_sha256(salt, ikm, both.span());
    KeyPair32 r;
    std::copy_n(both.data(), 32, r.first.data());
    std::copy_n(both.data() + 32, 32, r.second.data());
    return r;
}

}  // namespace wsn::crypto
