#include "relay/real_ip.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "wsn/address.hpp"

namespace wsn::relay {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A bare address, no port or brackets.
std::optional<std::array<uint8_t, 16>> parse_bare(std::string_view s) {
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(s), ec);
    if (ec) return std::nullopt;
    if (a.is_v4()) return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
    auto v6 = a.to_v6();
    if (v6.scope_id() != 0) return std::nullopt;  // "fe80::1%eth0" names no client
    return v6.to_bytes();
}

bool is_v4_mapped(const std::array<uint8_t, 16>& b) {
    for (size_t i = 0; i < 10; ++i)
        if (b[i]) return false;
    return b[10] == 0xff && b[11] == 0xff;
}

}  // namespace

bool IpNetwork::contains(const std::array<uint8_t, 16>& addr) const {
    unsigned full = prefix / 8, rest = prefix % 8;
    for (unsigned i = 0; i < full; ++i)
        if (addr[i] != bytes[i]) return false;
    if (rest == 0) return true;
    auto mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (addr[full] & mask) == (bytes[full] & mask);
}

Result<IpNetwork> parse_ip_network(std::string_view s) {
    std::string_view addr = s, bits;
    if (auto slash = s.find('/'); slash != std::string_view::npos) {
        addr = s.substr(0, slash);
        bits = s.substr(slash + 1);
    }
    auto a = parse_bare(addr);
    if (!a) return err("'" + std::string(s) + "' is not an IP address or CIDR block (such as 10.0.0.0/8 or fd00::/8)");
    IpNetwork n{*a, 128};
    const unsigned max = is_v4_mapped(*a) ? 32 : 128;
    if (!bits.empty()) {
        unsigned p = 0;
        auto r = std::from_chars(bits.data(), bits.data() + bits.size(), p);
        if (r.ec != std::errc() || r.ptr != bits.data() + bits.size() || p > max)
            return err("'" + std::string(s) + "': the prefix length must be 0 to " + std::to_string(max));
        n.prefix = p + (128 - max);
    }
    return n;
}

std::optional<std::array<uint8_t, 16>> parse_hop(std::string_view s) {
    s = trim(s);
    // A bare IPv6 address (more than one ':', no brackets) is a hop without a port.
    if (!s.starts_with('[') && s.find(':') != s.rfind(':')) return parse_bare(s);
    auto hp = split_host_port(s);
    if (!hp) return std::nullopt;
    std::string_view host = hp->host;
    if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
    return parse_bare(host);
}

std::string ip_text(const std::array<uint8_t, 16>& addr) {
    auto v6 = boost::asio::ip::make_address_v6(addr);
    if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    return v6.to_string();
}

std::string client_ip(std::string_view peer, std::string_view header, const std::vector<IpNetwork>& trusted) {
    auto p = parse_hop(peer);
    if (!p) return std::string(peer);  // the socket's own text; not expected
    auto is_trusted = [&](const std::array<uint8_t, 16>& a) {
        for (const IpNetwork& n : trusted)
            if (n.contains(a)) return true;
        return false;
    };
    std::array<uint8_t, 16> at = *p;
    // Walk left from the hop the peer appended while the address we stand on is a
    // trusted proxy (it tells the truth about the hop before it).
    while (is_trusted(at) && !header.empty()) {
        size_t comma = header.rfind(',');
        std::string_view hop = comma == std::string_view::npos ? header : header.substr(comma + 1);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(0, comma);
        auto h = parse_hop(hop);
        if (!h) break;
        at = *h;
    }
    return ip_text(at);
}

}  // namespace wsn::relay
