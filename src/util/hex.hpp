#pragma once
// Lowercase hex encoding and strict decoding.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsn {

std::string to_hex(std::span<const uint8_t> bytes);

// Decodes hex of any case; nullopt on odd length or a non-hex character.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);

// Decodes exactly N bytes (2N hex characters); with lowercase_only, rejects A-F.
template <size_t N>
std::optional<std::array<uint8_t, N>> from_hex_fixed(std::string_view hex, bool lowercase_only = false);

// True if s is 2*n lowercase hex characters.
bool is_lower_hex(std::string_view s, size_t n_bytes);

}  // namespace wsn

#include "util/hex_impl.hpp"
