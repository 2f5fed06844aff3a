#include "util/hex.hpp"

namespace wsn {

std::string to_hex(std::span<const uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    return out;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = detail::hex_digit(hex[2 * i], false);
        int lo = detail::hex_digit(hex[2 * i + 1], false);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

bool is_lower_hex(std::string_view s, size_t n_bytes) {
    if (s.size() != 2 * n_bytes) return false;
    for (char c : s)
        if (detail::hex_digit(c, true) < 0) return false;
    return true;
}

}  // namespace wsn
