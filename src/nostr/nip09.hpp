#pragma once
// NIP-09 deletion requests: the coordinate an `a` tag names.
#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/keys.hpp"

namespace wsn::nostr {

// A NIP-09 `a` tag value: "<kind>:<pubkey hex>:<d>" (d may hold colons).
struct Coordinate {
    uint16_t kind;
    crypto::XOnlyPubkey pubkey;
    std::string_view d;  // a view into the parsed string
};

// nullopt unless the value has that form with a decimal kind and a lowercase 64-hex pubkey.
std::optional<Coordinate> parse_coordinate(std::string_view a);

}  // namespace wsn::nostr
