#include "nostr/nip09.hpp"

#include <charconv>

#include "util/hex.hpp"

namespace wsn::nostr {

std::optional<Coordinate> parse_coordinate(std::string_view a) {
    size_t c1 = a.find(':');
    if (c1 == std::string_view::npos) return std::nullopt;
    size_t c2 = a.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return std::nullopt;
    Coordinate c{};
    auto [ptr, ec] = std::from_chars(a.data(), a.data() + c1, c.kind);
    if (ec != std::errc{} || ptr != a.data() + c1) return std::nullopt;
    auto pk = from_hex_fixed<32>(a.substr(c1 + 1, c2 - c1 - 1), true);
    if (!pk) return std::nullopt;
    c.pubkey.bytes = *pk;
    c.d = a.substr(c2 + 1);
    return c;
}

}  // namespace wsn::nostr
