#pragma once
// secp256k1 keys over libsecp256k1: secret keys, x-only (BIP-340 / Nostr) public
// keys, compressed points, BIP-340 Schnorr, and BOLT 8 ECDH.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "util/result.hpp"

namespace wsn::crypto {

// A BIP-340 x-only public key: the Nostr pubkey. Public data.
struct XOnlyPubkey {
    std::array<uint8_t, 32> bytes{};
    std::string hex() const;
    bool operator==(const XOnlyPubkey&) const = default;
    auto operator<=>(const XOnlyPubkey&) const = default;
};

// A compressed secp256k1 point (33 bytes, 0x02/0x03 prefix). Public data.
struct PublicKey {
    std::array<uint8_t, 33> bytes{};
    XOnlyPubkey xonly() const;
    bool has_odd_y() const { return bytes[0] == 0x03; }
    bool operator==(const PublicKey&) const = default;
};

using Signature = std::array<uint8_t, 64>;

class SecretKey {
public:
    // A uniformly random valid secret key (OpenSSL RAND_bytes).
    static SecretKey generate();
    // Fails if the bytes are zero or not below the group order.
    static Result<SecretKey> from_bytes(std::span<const uint8_t> bytes);
    // 64 hex characters (either case); the error never contains the input.
    static Result<SecretKey> from_hex(std::string_view hex);

    PublicKey public_key() const;
    XOnlyPubkey xonly_pubkey() const;
    // The same key if its point has even y, else its negation: the secret that
    // matches lift_x(xonly_pubkey()), as a wsn responder uses it.
    SecretKey with_even_y() const;

    const Secret32& secret() const { return secret_; }
    // Hex of the secret, for writing key files only.
    std::string secret_hex() const;

private:
    Secret32 secret_;
};

// Parses a 33-byte compressed point; fails if not on the curve.
Result<PublicKey> parse_public_key(std::span<const uint8_t> bytes);
// Lifts an x-only key to the point with even y (BIP-340 lift_x); fails if x is not on the curve.
Result<PublicKey> lift_x(const XOnlyPubkey& x);
// Parses 64 lowercase hex characters into an x-only key that is on the curve.
Result<XOnlyPubkey> parse_xonly_hex(std::string_view hex);

// BOLT 8 ECDH: SHA-256 of the compressed point k·P.
Secret32 ecdh(const SecretKey& k, const PublicKey& p);

// BIP-340 sign of a message of any length (Nostr signs the 32-byte event id), with
// 32 bytes of auxiliary randomness (random when not given).
Signature schnorr_sign(const SecretKey& k, std::span<const uint8_t> msg,
                       const std::optional<std::array<uint8_t, 32>>& aux = std::nullopt);
// BIP-340 verify of a message of any length.
bool schnorr_verify(const XOnlyPubkey& pk, std::span<const uint8_t> msg, const Signature& sig);

// Cryptographically secure random bytes (OpenSSL RAND_bytes).
void random_bytes(std::span<uint8_t> out);

}  // namespace wsn::crypto
