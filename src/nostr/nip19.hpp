#pragma once
// NIP-19: bech32 entities. npub, nsec and note carry 32 raw bytes; nprofile,
// nevent and naddr carry TLV records (0 special, 1 relay, 2 author, 3 kind).
// NIP-19 uses Bech32 (never Bech32m) and allows up to 5000 characters.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "util/result.hpp"

namespace wsn::nostr {

using EventId = std::array<uint8_t, 32>;

struct ProfilePointer {
    crypto::XOnlyPubkey pubkey;
    std::vector<std::string> relays;
    bool operator==(const ProfilePointer&) const = default;
};

struct EventPointer {
    EventId id{};
    std::vector<std::string> relays;
    std::optional<crypto::XOnlyPubkey> author;
    std::optional<uint32_t> kind;
    bool operator==(const EventPointer&) const = default;
};

struct AddressPointer {
    std::string identifier;  // the "d" tag; may be empty
    std::vector<std::string> relays;
    crypto::XOnlyPubkey author;
    uint32_t kind = 0;
    bool operator==(const AddressPointer&) const = default;
};

struct Tlv {
    uint8_t type = 0;
    std::vector<uint8_t> value;
    bool operator==(const Tlv&) const = default;
};

std::string encode_npub(const crypto::XOnlyPubkey& pubkey);
// The secret in bech32: for key files and explicit export only, never for logs.
std::string encode_nsec(const crypto::SecretKey& key);
std::string encode_note(const EventId& id);
// Fails if a relay URL is longer than 255 bytes or the result over 5000 characters.
[[nodiscard]] Result<std::string> encode_nprofile(const ProfilePointer& profile);

// Each decoder accepts all-lowercase or all-uppercase input and returns an Error
// naming the fault and the entity: "bad checksum in npub", "expected npub, got
// nsec", "mixed case in npub", "bad length in npub (33 bytes, expected 32)",
// "bad TLV in nevent: truncated TLV header", "missing pubkey in nprofile".
// Errors never quote the input.

// Also checks that the key is an x coordinate on secp256k1 (it is used for ECDH).
[[nodiscard]] Result<crypto::XOnlyPubkey> decode_npub(std::string_view s);
// Fails if the 32 bytes are zero or not below the group order.
[[nodiscard]] Result<crypto::SecretKey> decode_nsec(std::string_view s);
// A secret key as a user writes it (a key file, --key): 64 hex characters (either case) or an nsec.
[[nodiscard]] Result<crypto::SecretKey> parse_secret_key(std::string_view text);
[[nodiscard]] Result<EventId> decode_note(std::string_view s);
// Pointers are references: their keys are not checked against the curve.
// Unknown TLV types are ignored (NIP-19); a repeated pubkey/id/author/kind fails.
[[nodiscard]] Result<ProfilePointer> decode_nprofile(std::string_view s);
[[nodiscard]] Result<EventPointer> decode_nevent(std::string_view s);
[[nodiscard]] Result<AddressPointer> decode_naddr(std::string_view s);

// Splits TLV bytes into records, in order. Fails on "truncated TLV header" or
// "TLV type T length L exceeds the data".
[[nodiscard]] Result<std::vector<Tlv>> parse_tlv(std::span<const uint8_t> bytes);

}  // namespace wsn::nostr
