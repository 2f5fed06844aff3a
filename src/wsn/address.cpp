// Parsing checks the parts in the order they are written, and each error names
// the part it is about, quoting at most a short, printable piece of the input.
#include "wsn/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "crypto/hash.hpp"
#include "nostr/nip19.hpp"
#include "util/hex.hpp"

namespace wsn {
namespace {

constexpr size_t kMaxUriLength = 4096;
constexpr size_t kMaxQuote = 64;
constexpr size_t kOnionLength = 56;  // base32 of pubkey(32) | checksum(2) | version(1)

// 'text' for error messages: non-printable bytes as '?', long text cut short.
std::string quoted(std::string_view s) {
    std::string out = "'";
    for (char c : s.substr(0, kMaxQuote)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    if (s.size() > kMaxQuote) out += "...";
    return out + "'";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

// Strict dotted quad: four decimal parts 0..255, no leading zeros.
Result<Host> parse_ipv4(std::string_view s) {
    size_t parts = 0;
    size_t start = 0;
    while (true) {
        size_t dot = s.find('.', start);
        std::string_view part = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
        ++parts;
        if (!all_digits(part)) return err("bad IPv4 address " + quoted(s) + " (parts must be decimal numbers)");
        if (part.size() > 1 && part[0] == '0')
            return err("bad IPv4 address " + quoted(s) + " (leading zero in " + quoted(part) + ")");
        if (part.size() > 3 || std::stoi(std::string(part)) > 255)
            return err("bad IPv4 address " + quoted(s) + " (" + quoted(part) + " is over 255)");
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (parts != 4) return err("bad IPv4 address " + quoted(s) + " (needs 4 parts, has " + std::to_string(parts) + ")");
    return Host{std::string(s), HostKind::ipv4};
}

Result<Host> parse_ipv6(std::string_view s) {
    if (s.find('%') != std::string_view::npos) return err("IPv6 zone IDs are not supported in " + quoted(s));
    in6_addr addr;
    if (s.size() >= INET6_ADDRSTRLEN || inet_pton(AF_INET6, std::string(s).c_str(), &addr) != 1)
        return err("bad IPv6 address " + quoted(s));
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &addr, buf, sizeof buf);  // RFC 5952 form: lowercase, compressed
    return Host{buf, HostKind::ipv6};
}

int base32_value(char c) {
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

// v3 only (rend-spec-v3): the 35 decoded bytes are pubkey(32) | checksum(2) | version(1),
// with checksum = SHA3-256(".onion checksum" | pubkey | version)[:2], which catches typos.
Result<Host> parse_onion(std::string_view s, std::string_view label) {
    if (label.size() == 16) return err("v2 onion addresses are not supported (Tor removed them): " + quoted(s));
    if (label.size() != kOnionLength || !std::all_of(label.begin(), label.end(), [](char c) { return base32_value(c) >= 0; }))
        return err("bad onion address " + quoted(s) + " (needs 56 base32 characters before .onion)");
    std::array<uint8_t, 35> raw{};
    for (size_t i = 0; i < kOnionLength; ++i) {  // 5 bits per character, most significant first
        const int v = base32_value(label[i]);
        for (int b = 4; b >= 0; --b) {
            const size_t bit = i * 5 + size_t(4 - b);
            if (v >> b & 1) raw[bit / 8] |= uint8_t(0x80 >> bit % 8);
        }
    }
    if (raw[34] != 3)
        return err("bad onion address " + quoted(s) + " (version " + std::to_string(raw[34]) + ", expected 3)");
    std::string input = ".onion checksum";
    input.append(reinterpret_cast<const char*>(raw.data()), 32);
    input.push_back(char(3));
    const auto sum = crypto::sha3_256({reinterpret_cast<const uint8_t*>(input.data()), input.size()});
    if (sum[0] != raw[32] || sum[1] != raw[33])
        return err("bad onion address " + quoted(s) + " (checksum does not match: mistyped?)");
    return Host{std::string(s), HostKind::onion};
}

// RFC 1123 host name: labels of 1..63 letters, digits and hyphens, not starting
// or ending with a hyphen; at most 253 characters.
Result<Host> parse_dns(std::string_view s) {
    if (s.size() > 253) return err("host name longer than 253 characters: " + quoted(s));
    size_t start = 0;
    while (true) {
        size_t dot = s.find('.', start);
        std::string_view label = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty()) return err("empty label in host name " + quoted(s));
        if (label.size() > 63) return err("label longer than 63 characters in host name " + quoted(s));
        for (char c : label)
            if (!is_alpha(c) && !is_digit(c) && c != '-')
                return err("invalid character " + quoted(std::string_view(&c, 1)) + " in host name " + quoted(s));
        if (label.front() == '-' || label.back() == '-')
            return err("label starts or ends with '-' in host name " + quoted(s));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return Host{std::string(s), HostKind::dns};
}

// An npub or 64 hex digits (whether valid is parse_key's to say).
bool looks_like_key(std::string_view s) {
    if (!std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || is_digit(c); })) return false;
    if (lowercase(s.substr(0, 5)) == "npub1" || lowercase(s.substr(0, 5)) == "nsec1") return true;
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// What a URI scheme may be, and what the error says it expected.
struct SchemeSet {
    bool plain;  // ws and wss allowed too
    const char* expected() const {
        return plain ? "expected ws://, wss://, wsn:// or wsns://" : "expected wsn:// or wsns://";
    }
};

Result<Address> parse_uri(std::string_view uri, SchemeSet allowed) {
    if (uri.size() > kMaxUriLength)
        return err("address too long (" + std::to_string(uri.size()) + " characters, at most " +
                   std::to_string(kMaxUriLength) + ")");
    size_t colon = uri.find("://");
    if (colon == std::string_view::npos) return err(std::string("missing scheme (") + allowed.expected() + ")");
    std::string scheme = lowercase(uri.substr(0, colon));
    Address a;
    if (scheme == "wsn")
        a.scheme = Scheme::wsn;
    else if (scheme == "wsns")
        a.scheme = Scheme::wsns;
    else if (allowed.plain && scheme == "ws")
        a.scheme = Scheme::ws;
    else if (allowed.plain && scheme == "wss")
        a.scheme = Scheme::wss;
    else
        return err("unknown scheme " + quoted(uri.substr(0, colon)) + " (" + allowed.expected() + ")");
    bool keyed = a.scheme == Scheme::wsn || a.scheme == Scheme::wsns;

    std::string_view rest = uri.substr(colon + 3);
    if (rest.find('#') != std::string_view::npos) return err("fragment ('#') not allowed in a relay address");
    size_t path_start = std::min(rest.find('/'), rest.find('?'));
    std::string_view authority = rest.substr(0, path_start);
    std::string_view path = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);

    size_t at = authority.find('@');
    if (keyed && at == std::string_view::npos) {
        // Key-only (DESIGN §1) when the whole authority is written as a key; a host alone
        // is the common mistake, so it gets the '@' error rather than a key error.
        if (!looks_like_key(authority))
            return err("missing '@' (expected " + scheme + "://KEY@HOST, or " + scheme + "://KEY alone)");
        auto k = parse_key(authority);
        if (!k) return k.error();
        a.key = *k;
        a.host = Host{};
        a.port = 0;
        auto p = parse_path(path);
        if (!p) return p.error();
        a.path = std::move(*p);
        return a;
    }
    if (keyed) {
        std::string_view key = authority.substr(0, at);
        if (key.empty()) return err("missing key before '@'");
        auto k = parse_key(key);
        if (!k) return k.error();
        a.key = *k;
        authority = authority.substr(at + 1);
    } else if (at != std::string_view::npos) {
        return err(scheme + ":// URLs take no key or user info before '@' (a keyed address is wsn:// or wsns://)");
    }

    auto hp = split_host_port(authority);
    if (!hp) return hp.error();
    std::string_view host = hp->host;
    if (host.empty()) return err("missing host");
    auto h = parse_host(host);
    if (!h) return h.error();
    a.host = std::move(*h);

    a.port = default_port(a.scheme);
    if (hp->port) {
        auto p = parse_port(*hp->port);
        if (!p) return p.error();
        a.port = *p;
    }

    auto p = parse_path(path);
    if (!p) return p.error();
    a.path = std::move(*p);
    return a;
}

bool is_path_char(char c) {
    // RFC 3986 pchar (without '%', checked apart) plus '/' and '?'.
    static constexpr std::string_view kOther = "-._~!$&'()*+,;=:@/?";
    return is_alpha(c) || is_digit(c) || kOther.find(c) != std::string_view::npos;
}

}  // namespace

Result<Address> parse_address(std::string_view uri) { return parse_uri(uri, SchemeSet{false}); }

Result<Address> parse_relay_url(std::string_view uri) { return parse_uri(uri, SchemeSet{true}); }

std::string format_address(const Address& a) {
    std::string out(scheme_name(a.scheme));
    out += "://";
    if (a.key) out += nostr::encode_npub(*a.key);
    if (!a.key_only()) {
        if (a.key) out += "@";
        out += format_host_port(a.host.name, a.port, default_port(a.scheme));
    }
    if (a.path != "/") out += a.path;
    return out;
}

std::string unresolved_error(const Address& a) {
    return format_address(a) + " has no host: a key-only address is found through the relay's announcement "
                               "(give directory relays with --directory)";
}

Result<crypto::XOnlyPubkey> parse_key(std::string_view key) {
    std::string prefix = lowercase(key.substr(0, 5));
    if (prefix == "npub1") return nostr::decode_npub(key);
    if (prefix == "nsec1") return err("the key is a secret key (nsec); an address takes the public key (npub)");
    if (key.empty() || !std::all_of(key.begin(), key.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        return err("key must be an npub or 64 lowercase hex characters");
    if (key.size() != 64) return err("hex key must be 64 characters (got " + std::to_string(key.size()) + ")");
    if (!is_lower_hex(key, 32)) return err("hex key must be lowercase");
    auto k = crypto::parse_xonly_hex(key);
    if (!k) return err("hex key is not a valid secp256k1 public key");
    return k;
}

Result<Host> parse_host(std::string_view host) {
    if (host.empty()) return err("missing host");
    if (host.starts_with('[')) {
        if (!host.ends_with(']')) return err("missing ']' after IPv6 address");
        return parse_ipv6(host.substr(1, host.size() - 2));
    }
    if (std::any_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return err("non-ASCII host name " + quoted(host) + " (write it in its xn-- form)");
    if (host.find(':') != std::string_view::npos) return err("IPv6 address needs brackets");
    std::string h = lowercase(host);
    if (h.ends_with(".onion")) return parse_onion(h, std::string_view(h).substr(0, h.size() - 6));
    // A name whose last label is a number is an IPv4 address or nothing (as in the WHATWG URL rules).
    size_t last_dot = h.rfind('.');
    std::string_view last = last_dot == std::string::npos ? std::string_view(h) : std::string_view(h).substr(last_dot + 1);
    if (all_digits(last)) return parse_ipv4(h);
    return parse_dns(h);
}

Result<uint16_t> parse_port(std::string_view port) {
    if (!all_digits(port)) return err("bad port " + quoted(port));
    size_t first = std::min(port.find_first_not_of('0'), port.size());
    std::string_view value = port.substr(first);
    if (value.empty() || value.size() > 5 || std::stoul(std::string(value)) > 65535)
        return err("port " + (port.size() > 12 ? std::string(port.substr(0, 12)) + "..." : std::string(port)) +
                   " out of range");
    return static_cast<uint16_t>(std::stoul(std::string(value)));
}

Result<std::string> parse_path(std::string_view path) {
    for (size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size() || !from_hex(path.substr(i + 1, 2)))
                return err("bad percent-escape in path at position " + std::to_string(i));
            i += 2;
        } else if (c == '#') {
            return err("fragment ('#') not allowed in a relay address");
        } else if (!is_path_char(c)) {
            return err("invalid character in path at position " + std::to_string(i));
        }
    }
    if (path.empty()) return std::string("/");
    if (path[0] == '?') return "/" + std::string(path);
    if (path[0] != '/') return err("path must start with '/'");
    return std::string(path);
}

std::string format_host(std::string_view host) {
    if (host.find(':') != std::string_view::npos) return "[" + std::string(host) + "]";
    return std::string(host);
}

std::string format_host_port(std::string_view host, uint16_t port, std::optional<uint16_t> omit_port) {
    std::string out = format_host(host);
    if (port != omit_port) out += ":" + std::to_string(port);
    return out;
}

std::string format_host_port(const HostPort& hp) { return format_host_port(hp.host, hp.port); }

Result<HostPortText> split_host_port(std::string_view s) {
    HostPortText out{s, std::nullopt};
    std::string_view after;
    if (s.starts_with('[')) {
        size_t close = s.find(']');
        if (close == std::string_view::npos) return err("missing ']' after IPv6 address");
        out.host = s.substr(0, close + 1);
        after = s.substr(close + 1);
        if (!after.empty() && after[0] != ':') return err("unexpected " + quoted(after) + " after IPv6 address");
    } else if (size_t c = s.find(':'); c != std::string_view::npos) {
        if (s.find(':', c + 1) != std::string_view::npos) return err("IPv6 address needs brackets");
        out.host = s.substr(0, c);
        after = s.substr(c);
    }
    if (!after.empty()) {
        if (after.size() == 1) return err("empty port after ':'");
        out.port = after.substr(1);
    }
    return out;
}

Result<std::pair<Host, uint16_t>> parse_host_port(std::string_view s, std::optional<uint16_t> default_port) {
    auto fail = [&](const std::string& why) { return err(quoted(s) + ": " + why); };
    auto hp = split_host_port(s);
    if (!hp) return fail(hp.error().message);
    if (!hp->port && !default_port) return fail("expected HOST:PORT (an IPv6 address in brackets)");
    auto host = parse_host(hp->host);
    if (!host) return fail(host.error().message);
    uint16_t port = default_port.value_or(0);
    if (hp->port) {
        auto p = parse_port(*hp->port);
        if (!p) return fail(p.error().message);
        port = *p;
    }
    return std::pair{std::move(*host), port};
}

Result<Host> parse_ip(std::string_view ip) {
    if (ip.find(':') != std::string_view::npos && !ip.starts_with('[')) return parse_ipv6(ip);
    auto h = parse_host(ip);
    if (!h) return h.error();
    if (h->kind != HostKind::ipv4 && h->kind != HostKind::ipv6) return err(quoted(ip) + " is not an IP address");
    return h;
}

bool is_loopback(std::string_view ip) {
    auto h = parse_ip(ip);
    if (!h) return false;
    if (h->kind == HostKind::ipv4) return h->name.starts_with("127.");
    in6_addr a;
    if (inet_pton(AF_INET6, h->name.c_str(), &a) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
}

uint16_t default_port(Scheme scheme) { return scheme == Scheme::ws || scheme == Scheme::wsn ? 80 : 443; }

std::string_view scheme_name(Scheme scheme) {
    switch (scheme) {
        case Scheme::ws: return "ws";
        case Scheme::wss: return "wss";
        case Scheme::wsn: return "wsn";
        case Scheme::wsns: return "wsns";
    }
    return "?";
}

std::string_view host_kind_name(HostKind kind) {
    switch (kind) {
        case HostKind::ipv4: return "ipv4";
        case HostKind::ipv6: return "ipv6";
        case HostKind::dns: return "dns";
        case HostKind::onion: return "onion";
    }
    return "?";
}

}  // namespace wsn
