#pragma once
// SHA-256, HMAC-SHA256 and the two-output HKDF of BOLT 8, over OpenSSL 3; SHA3-256 for
// the checksum of Tor v3 onion names.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.hpp"

namespace wsn::crypto {

using Hash32 = std::array<uint8_t, 32>;

Hash32 sha256(std::span<const uint8_t> data);
Hash32 sha256(std::string_view data);

// Incremental SHA-256 (for hashing several parts without a copy).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256& update(std::span<const uint8_t> data);
    Sha256& update(std::string_view data);
    Hash32 finish();

private:
    void* ctx_;  // EVP_MD_CTX*
};

Hash32 sha3_256(std::span<const uint8_t> data);

Hash32 hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

// HKDF-SHA256 (RFC 5869) with empty info, producing out.size() bytes.
void hkdf_sha256(std::span<const uint8_t> salt, std::span<const uint8_t> ikm, std::span<uint8_t> out);

// BOLT 8's HKDF(salt, ikm): 64 bytes split into two 32-byte keys.
struct KeyPair32 {
    Secret32 first;
    Secret32 second;
};
KeyPair32 hkdf2(std::span<const uint8_t> salt, std::span<const uint8_t> ikm);

}  // namespace wsn::crypto
