#pragma once
// NIP-45 HyperLogLog: the 256 one-byte registers a relay may add to a COUNT answer
// ("hll", 512 hex characters) so a client can merge the answers of several relays
// into one estimate. The register layout depends on an `offset` derived from the
// filter, so only answers for filters with the same offset merge.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "nostr/filter.hpp"

namespace wsn::nostr {

// The offset for a filter's first tag value (NIP-45 "offset computation"): the
// value as a 64-hex id or pubkey, or the pubkey of a "<kind>:<pubkey>:<d>" address,
// or else the sha256 of the value; its hex digit at position 32, plus 8 (8..23).
uint8_t hll_offset(std::string_view first_tag_value);

// The offset for the filters of one COUNT, or nullopt when they get no hll. Our
// parsed filters keep tag names and values sorted, not in the order the client
// wrote them, so "the first tag attribute" and "its first item" are only known
// when there is one of each: eligible are filters with exactly one tag attribute
// holding exactly one value (all of NIP-45's "common filters" are of this form).
// Several filters (OR-ed) get an hll only when each is eligible with the same offset.
std::optional<uint8_t> hll_offset(std::span<const Filter> filters);

class Hll {
public:
    using Registers = std::array<uint8_t, 256>;

    explicit Hll(uint8_t offset);  // offset 0..24 (at most 32 - 8)
    Hll(uint8_t offset, const Registers& r) : offset_(offset), reg_(r) {}

    // Counts one event by its author: register pubkey[offset] keeps the largest
    // 1 + leading zero bits of the 7 bytes after it (as the reference
    // implementations, nostrlib's nip45 and nostr-hll, read 8 bytes from offset).
    void add(const crypto::XOnlyPubkey& pubkey);
    // Register by register maximum: the HLL of the union of both event sets.
    void merge(const Registers& other);
    // The usual HyperLogLog estimate (alpha_m * m^2 / sum 2^-r), with linear
    // counting for small cardinalities, as nostrlib's nip45 estimates.
    uint64_t estimate() const;

    uint8_t offset() const { return offset_; }
    const Registers& registers() const { return reg_; }

private:
    uint8_t offset_;
    Registers reg_{};
};

}  // namespace wsn::nostr
