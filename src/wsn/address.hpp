#pragma once
// wsn:// and wsns:// addresses (DESIGN.md §1), and plain ws:// / wss:// relay URLs
// in the same shape, since a client accepts all four:
//
//     ("wsn" / "wsns") "://" key "@" host [ ":" port ] [ path ]
//     ("ws" / "wss")   "://"         host [ ":" port ] [ path ]
//
// key:  npub (canonical) or 64 lowercase hex; must be an x coordinate on secp256k1
// host: IPv4 dotted quad / "[" IPv6 "]" / DNS name (RFC 1123) / v3 .onion name
// port: 1..65535, default 80 (ws, wsn) or 443 (wss, wsns)
// path: path and query as in a ws:// URL, default "/"; no fragment
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "util/result.hpp"

namespace wsn {

enum class Scheme { ws, wss, wsn, wsns };
enum class HostKind { ipv4, ipv6, dns, onion };

struct Host {
    std::string name;  // canonical: lowercase; IPv6 in compressed form without brackets
    HostKind kind = HostKind::dns;
    bool operator==(const Host&) const = default;
};

struct Address {
    Scheme scheme = Scheme::wsn;
    std::optional<crypto::XOnlyPubkey> key;  // set exactly when scheme is wsn or wsns
    Host host;
    uint16_t port = 80;
    std::string path = "/";  // starts with '/'; may end in "?query"

    // True for wss and wsns (carried inside TLS; the certificate is never trusted for identity).
    bool tls() const { return scheme == Scheme::wss || scheme == Scheme::wsns; }
    bool operator==(const Address&) const = default;
};

// Parses a wsn:// or wsns:// address. The Error names the part that is wrong:
// "unknown scheme 'http' (expected wsn:// or wsns://)", "missing '@' ...",
// "bad checksum in npub", "IPv6 address needs brackets", "port 70000 out of range", ...
[[nodiscard]] Result<Address> parse_address(std::string_view uri);
// Parses any of ws://, wss://, wsn://, wsns:// (ws and wss take no key).
[[nodiscard]] Result<Address> parse_relay_url(std::string_view uri);

// The canonical text: npub, lowercase host, IPv6 in brackets, default port and
// path "/" omitted. parse_relay_url(format_address(a)) == a for any parsed a.
std::string format_address(const Address& a);

// The parts on their own, as the parsers check them (for building an Address).
// A key: npub or 64 lowercase hex, on the curve.
[[nodiscard]] Result<crypto::XOnlyPubkey> parse_key(std::string_view key);
// A host as written in a URI (IPv6 in brackets).
[[nodiscard]] Result<Host> parse_host(std::string_view host);
// Decimal 1..65535.
[[nodiscard]] Result<uint16_t> parse_port(std::string_view port);
// A path with optional query; "" becomes "/", "?q" becomes "/?q".
[[nodiscard]] Result<std::string> parse_path(std::string_view path);

uint16_t default_port(Scheme scheme);
std::string_view scheme_name(Scheme scheme);    // "wsn", ...
std::string_view host_kind_name(HostKind kind);  // "ipv4", "ipv6", "dns", "onion"

}  // namespace wsn
