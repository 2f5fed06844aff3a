#pragma once
namespace wsn {
namespace detail {
// Value of a hex digit, or -1; with lowercase_only, 'A'-'F' are -1.
inline int hex_digit(char c, bool lowercase_only) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (!lowercase_only && c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace detail

template <size_t N>
std::optional<std::array<uint8_t, N>> from_hex_fixed(std::string_view hex, bool lowercase_only) {
    if (hex.size() != 2 * N) return std::nullopt;
    std::array<uint8_t, N> out{};
    for (size_t i = 0; i < N; ++i) {
        int hi = detail::hex_digit(hex[2 * i], lowercase_only);
        int lo = detail::hex_digit(hex[2 * i + 1], lowercase_only);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}
}  // namespace wsn
