#pragma once
// wsn:// and wsns:// addresses (DESIGN.md §1), and plain ws:// / wss:// relay URLs
// in the same shape, since a client accepts all four:
//
//     ("wsn" / "wsns") "://" ( key "@" host [ ":" port ] / key ) [ path ]
//     ("ws" / "wss")   "://"           host [ ":" port ]          [ path ]
//
// A wsn address with no host ("wsn://npub1...") is key-only: complete, but it must be
// resolved (its signed announcement, wsn/announcement.hpp) before it can be dialed.
//
// key:  npub (canonical) or 64 lowercase hex; must be an x coordinate on secp256k1
// host: IPv4 dotted quad / "[" IPv6 "]" / DNS name (RFC 1123) / v3 .onion name
// port: 1..65535, default 80 (ws, wsn) or 443 (wss, wsns)
// path: path and query as in a ws:// URL, default "/"; no fragment
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
    Host host;               // empty name: key-only (then port is 0)
    uint16_t port = 80;
    std::string path = "/";  // starts with '/'; may end in "?query"

    // A wsn:// or wsns:// address with a key and no host: found through its announcement.
    bool key_only() const { return key && host.name.empty(); }

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

// The error for dialing a key-only address that was not resolved first.
std::string unresolved_error(const Address& a);

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

// A host and port as a socket reports it or a flag gives it: the host is an IP literal
// or a name, an IPv6 literal without brackets. The one text form is format_host_port's.
struct HostPort {
    std::string host;
    uint16_t port = 0;
    bool operator==(const HostPort&) const = default;
};

// The host as written before ":port": an IPv6 literal (any host with a ':') in brackets.
std::string format_host(std::string_view host);
// "host:port" or "[v6]:port"; just the host when port == omit_port (a scheme's default).
std::string format_host_port(std::string_view host, uint16_t port, std::optional<uint16_t> omit_port = std::nullopt);
std::string format_host_port(const HostPort& hp);

// "HOST:PORT", "[V6]:PORT", "HOST" or "[V6]" cut at the port's ':': host as written
// (brackets kept, for parse_host), port text if there is one. Only the shape is checked.
struct HostPortText {
    std::string_view host;
    std::optional<std::string_view> port;
};
[[nodiscard]] Result<HostPortText> split_host_port(std::string_view s);
// The whole check: host by parse_host, port by parse_port; without a port, default_port
// (none: the port is required). Errors quote s.
[[nodiscard]] Result<std::pair<Host, uint16_t>> parse_host_port(std::string_view s,
                                                                 std::optional<uint16_t> default_port = std::nullopt);
// An IP literal, IPv6 with or without brackets ("::1", "[::1]", "127.0.0.1"); names are refused.
[[nodiscard]] Result<Host> parse_ip(std::string_view ip);
// True for 127.0.0.0/8, ::1 and ::ffff:127.x; false for anything not an IP literal.
bool is_loopback(std::string_view ip);

// The NIP-11 field that lists a relay's wsn:// addresses (written by the relay, kept by the gateway).
inline constexpr std::string_view kInfoAddressesKey = "wsn";

uint16_t default_port(Scheme scheme);
std::string_view scheme_name(Scheme scheme);    // "wsn", ...
std::string_view host_kind_name(HostKind kind);  // "ipv4", "ipv6", "dns", "onion"

}  // namespace wsn
