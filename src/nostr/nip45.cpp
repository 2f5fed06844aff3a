#include "nostr/nip45.hpp"

#include <bit>
#include <cassert>
#include <cmath>

#include "crypto/hash.hpp"
#include "nostr/nip09.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    return c - 'a' + 10;  // callers pass lowercase hex only
}
}  // namespace

uint8_t hll_offset(std::string_view v) {
    std::string hex;
    if (is_lower_hex(v, 32)) hex = v;
    else if (auto a = parse_coordinate(v)) hex = a->pubkey.hex();
    else hex = to_hex(crypto::sha256(v));
    return static_cast<uint8_t>(hex_digit(hex[32]) + 8);
}

std::optional<uint8_t> hll_offset(std::span<const Filter> filters) {
    std::optional<uint8_t> offset;
    for (const Filter& f : filters) {
        if (f.tags.size() != 1 || f.tags[0].values.size() != 1) return std::nullopt;
        uint8_t o = hll_offset(f.tags[0].values[0]);
        if (offset && *offset != o) return std::nullopt;
        offset = o;
    }
    return offset;
}

Hll::Hll(uint8_t offset) : offset_(offset) { assert(offset <= 32 - 8); }

void Hll::add(const crypto::XOnlyPubkey& pk) {
    uint8_t index = pk.bytes[offset_];
    uint64_t rest = 0;  // the 7 bytes after the index, big-endian, in the low 56 bits
    for (size_t i = 1; i < 8; ++i) rest = rest << 8 | pk.bytes[offset_ + i];
    auto zeros = static_cast<uint8_t>(std::countl_zero(rest) - 8);  // 0..56
    reg_[index] = std::max<uint8_t>(reg_[index], zeros + 1);
}

void Hll::merge(const Registers& other) {
    for (size_t i = 0; i < reg_.size(); ++i) reg_[i] = std::max(reg_[i], other[i]);
}

uint64_t Hll::estimate() const {
    constexpr double m = 256;
    const double alpha = 0.7213 / (1 + 1.079 / m);
    double sum = 0;
    int empty = 0;
    for (uint8_t r : reg_) {
        sum += std::ldexp(1.0, -r);
        if (r == 0) ++empty;
    }
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && empty > 0) e = m * std::log(m / empty);
    return static_cast<uint64_t>(std::llround(e));
}

}  // namespace wsn::nostr
