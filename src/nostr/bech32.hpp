#pragma once
// Bech32 (BIP-173) and Bech32m (BIP-350): the checksummed base32 text that NIP-19
// (npub, nsec, nprofile, ...) and segwit addresses are written in.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace wsn::nostr {

enum class Bech32Variant { bech32, bech32m };

// BIP-173's overall length limit. NIP-19 lifts it (nprofile/nevent carry relay
// URLs) and suggests 5000.
inline constexpr size_t kBech32MaxLength = 90;
inline constexpr size_t kNip19MaxLength = 5000;

struct Bech32Data {
    std::string hrp;              // lowercase
    std::vector<uint8_t> values;  // 5-bit values of the data part, checksum removed
    Bech32Variant variant = Bech32Variant::bech32;
};

// Decodes a Bech32 or Bech32m string (the checksum tells which) of at most
// max_length characters. Returns an Error naming the fault: "too long (...)",
// "character out of range at position N", "mixed case", "missing separator '1'",
// "empty human-readable part", "checksum too short", "invalid character at
// position N", "bad checksum". Errors never quote the input, so they are safe
// for strings that hold secrets (nsec).
[[nodiscard]] Result<Bech32Data> bech32_decode(std::string_view s, size_t max_length = kBech32MaxLength);

// Encodes hrp (lowercase, characters 33..126, not empty) and 5-bit values.
// The caller must pass a valid hrp and values below 32 (asserted).
std::string bech32_encode(std::string_view hrp, std::span<const uint8_t> values, Bech32Variant variant);

// Regroups bytes into 5-bit values, zero-padding the last one.
std::vector<uint8_t> bytes_to_fives(std::span<const uint8_t> bytes);
// Regroups 5-bit values into bytes. Fails on "bad padding": more than 4
// leftover bits, or leftover bits that are not zero.
[[nodiscard]] Result<std::vector<uint8_t>> fives_to_bytes(std::span<const uint8_t> values);

}  // namespace wsn::nostr
