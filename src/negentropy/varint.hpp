#pragma once
// Negentropy's varint: base 128, most significant group first, the high bit set on
// every byte but the last (unlike LEB128, which starts with the low group).
#include <cstdint>
#include <span>
#include <string>

#include "util/result.hpp"

namespace wsn::negentropy {

inline constexpr size_t kMaxVarintSize = 10;  // 64 bits in 7-bit groups

// Writes n into out (at least kMaxVarintSize bytes); returns the bytes written.
size_t write_varint(uint64_t n, std::span<uint8_t> out);
void append_varint(uint64_t n, std::string& out);

// Reads one varint from the front of in and advances it past; an error on a truncated
// varint or one above 64 bits.
Result<uint64_t> read_varint(std::span<const uint8_t>& in);

}  // namespace wsn::negentropy
