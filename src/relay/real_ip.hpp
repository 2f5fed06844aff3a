#pragma once
// The client's address behind a reverse proxy (relay.real_ip_header, e.g.
// X-Forwarded-For). A header is believed only when the peer that sent it is one of
// relay.trusted_proxies; then its hops are read from the right (the hop the trusted
// proxy itself appended), skipping hops that are trusted proxies too, and the first
// other address is the client. Anything a client wrote to the left of that is never
// read, so a client cannot choose its own address (strfry #50).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace wsn::relay {

// An IPv4 or IPv6 address, or a CIDR block of them; IPv4 is kept as IPv4-mapped IPv6
// so "::ffff:10.0.0.1" and "10.0.0.1" are the same address.
struct IpNetwork {
    std::array<uint8_t, 16> bytes{};
    unsigned prefix = 128;  // leading bits that must match (v4 /n is stored as 96 + n)
    bool contains(const std::array<uint8_t, 16>& addr) const;
};

// "203.0.113.7", "2001:db8::1", "10.0.0.0/8", "fd00::/8". Errors say what was wrong.
Result<IpNetwork> parse_ip_network(std::string_view s);

// An address as a client or proxy writes it in a header or a socket gives it:
// "1.2.3.4", "1.2.3.4:5678", "2001:db8::1", "[2001:db8::1]:5678", with spaces around;
// nullopt if it is none of these. The text form back is ip_text.
std::optional<std::array<uint8_t, 16>> parse_hop(std::string_view s);
std::string ip_text(const std::array<uint8_t, 16>& addr);  // IPv4 dotted when mapped

// The client address for a connection from `peer` (the socket's address, any
// parse_hop form) that sent `header` (the real_ip_header's value; "" if absent). The
// peer's own address (as ip_text) unless the peer is trusted and the header names a
// hop as above. A header with an unreadable hop stops the walk there: the last hop
// read (a trusted proxy) is the answer, never a guess.
std::string client_ip(std::string_view peer, std::string_view header, const std::vector<IpNetwork>& trusted);

}  // namespace wsn::relay
