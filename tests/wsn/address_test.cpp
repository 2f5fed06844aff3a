// wsn:// and wsns:// addresses (DESIGN.md §1): every form, every error, canonical round trips.
#include <gtest/gtest.h>

#include "nostr/nip19.hpp"
#include "wsn/address.hpp"

namespace wsn {
namespace {

const std::string kNpub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
const std::string kHex = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
// A real v3 onion name (DuckDuckGo's).
const std::string kOnion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion";

struct Form {
    std::string input;
    Scheme scheme;
    std::string host;
    HostKind kind;
    uint16_t port;
    std::string path;
    std::string canonical;  // "" when the input is canonical already
};

const Form kForms[] = {
    {"wsn://" + kNpub + "@203.0.113.5:8443", Scheme::wsn, "203.0.113.5", HostKind::ipv4, 8443, "/", ""},
    {"wsn://" + kNpub + "@[2001:db8::1]:8443", Scheme::wsn, "2001:db8::1", HostKind::ipv6, 8443, "/", ""},
    {"wsn://" + kNpub + "@relay.example.com:8443", Scheme::wsn, "relay.example.com", HostKind::dns, 8443, "/", ""},
    {"wsn://" + kNpub + "@" + kOnion + ":8443", Scheme::wsn, kOnion, HostKind::onion, 8443, "/", ""},
    {"wsn://" + kNpub + "@relay.example.com", Scheme::wsn, "relay.example.com", HostKind::dns, 80, "/", ""},
    {"wsns://" + kNpub + "@relay.example.com", Scheme::wsns, "relay.example.com", HostKind::dns, 443, "/", ""},
    {"wsns://" + kNpub + "@relay.example.com:80", Scheme::wsns, "relay.example.com", HostKind::dns, 80, "/", ""},
    {"wsn://" + kNpub + "@localhost:7777/nostr?x=1&y=%2F", Scheme::wsn, "localhost", HostKind::dns, 7777,
     "/nostr?x=1&y=%2F", ""},
    {"wsn://" + kNpub + "@[::1]", Scheme::wsn, "::1", HostKind::ipv6, 80, "/", ""},
    {"wsn://" + kNpub + "@0.0.0.0:1", Scheme::wsn, "0.0.0.0", HostKind::ipv4, 1, "/", ""},
    {"wsn://" + kNpub + "@h:65535", Scheme::wsn, "h", HostKind::dns, 65535, "/", ""},
    // Non-canonical inputs and their canonical form.
    {"wsn://" + kHex + "@203.0.113.5:8443", Scheme::wsn, "203.0.113.5", HostKind::ipv4, 8443, "/",
     "wsn://" + kNpub + "@203.0.113.5:8443"},
    {"WSNS://" + kNpub + "@Relay.Example.COM:443/", Scheme::wsns, "relay.example.com", HostKind::dns, 443, "/",
     "wsns://" + kNpub + "@relay.example.com"},
    {"wsn://" + kNpub + "@[2001:DB8:0:0:0:0:0:1]:80", Scheme::wsn, "2001:db8::1", HostKind::ipv6, 80, "/",
     "wsn://" + kNpub + "@[2001:db8::1]"},
    {"wsn://" + kNpub + "@[::ffff:192.0.2.1]", Scheme::wsn, "::ffff:192.0.2.1", HostKind::ipv6, 80, "/", ""},
    {"wsn://" + kNpub + "@host:08443?q", Scheme::wsn, "host", HostKind::dns, 8443, "/?q",
     "wsn://" + kNpub + "@host:8443/?q"},
    {"wsn://NPUB180CVV07TJDRRGPA0J7J7TMNYL2YR6YR7L8J4S3EVF6U64TH6GKWSYJH6W6@HOST", Scheme::wsn, "host",
     HostKind::dns, 80, "/", "wsn://" + kNpub + "@host"},
    {"wsn://" + kNpub + "@DUCKDUCKGOGG42XJOC72X3SJASOWOARFBGCMVFIMAFTT6TWAGSWZCZAD.ONION", Scheme::wsn, kOnion,
     HostKind::onion, 80, "/", "wsn://" + kNpub + "@" + kOnion},
    // Key-only (no host): resolved through the relay's announcement.
    {"wsn://" + kNpub, Scheme::wsn, "", HostKind::dns, 0, "/", ""},
    {"wsns://" + kNpub, Scheme::wsns, "", HostKind::dns, 0, "/", ""},
    {"wsn://" + kNpub + "/nostr?x=1", Scheme::wsn, "", HostKind::dns, 0, "/nostr?x=1", ""},
    {"wsn://" + kHex, Scheme::wsn, "", HostKind::dns, 0, "/", "wsn://" + kNpub},
    {"WSN://" + kNpub + "/", Scheme::wsn, "", HostKind::dns, 0, "/", "wsn://" + kNpub},
};

TEST(Address, KeyOnly) {
    auto a = parse_address("wsn://" + kNpub);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_TRUE(a->key_only());
    EXPECT_EQ(a->key->hex(), kHex);
    auto hosted = parse_address("wsn://" + kNpub + "@host");
    ASSERT_TRUE(hosted.ok());
    EXPECT_FALSE(hosted->key_only());
    auto plain = parse_relay_url("ws://host");
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->key_only());
    EXPECT_FALSE(Address{}.key_only());
    // parse_relay_url accepts it too (the client commands take any scheme).
    auto any = parse_relay_url("wsns://" + kNpub);
    ASSERT_TRUE(any.ok());
    EXPECT_TRUE(any->key_only());
    EXPECT_EQ(format_address(*any), "wsns://" + kNpub);
}

TEST(Address, EveryForm) {
    for (const Form& f : kForms) {
        SCOPED_TRACE(f.input);
        auto a = parse_address(f.input);
        ASSERT_TRUE(a.ok()) << a.error().message;
        EXPECT_EQ(a->scheme, f.scheme);
        ASSERT_TRUE(a->key.has_value());
        EXPECT_EQ(a->key->hex(), kHex);
        EXPECT_EQ(a->host.name, f.host);
        EXPECT_EQ(a->host.kind, f.kind);
        EXPECT_EQ(a->port, f.port);
        EXPECT_EQ(a->path, f.path);
        EXPECT_EQ(a->tls(), f.scheme == Scheme::wsns);
        std::string canonical = format_address(*a);
        EXPECT_EQ(canonical, f.canonical.empty() ? f.input : f.canonical);
        auto again = parse_address(canonical);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, *a);
        EXPECT_EQ(format_address(*again), canonical);
    }
}

struct Bad {
    std::string input;
    std::string error;
};

std::string at(const std::string& host) { return "wsn://" + kNpub + "@" + host; }

const Bad kBad[] = {
    // scheme
    {"http://" + kNpub + "@host", "unknown scheme 'http' (expected wsn:// or wsns://)"},
    {"ws://host", "unknown scheme 'ws' (expected wsn:// or wsns://)"},
    {kNpub + "@host", "missing scheme (expected wsn:// or wsns://)"},
    {"wsn:" + kNpub + "@host", "missing scheme (expected wsn:// or wsns://)"},
    // key
    {"wsn://relay.example.com:8443", "missing '@' (expected wsn://KEY@HOST, or wsn://KEY alone)"},
    {"wsns://relay.example.com", "missing '@' (expected wsns://KEY@HOST, or wsns://KEY alone)"},
    {"wsn://" + kNpub + ":8443", "missing '@' (expected wsn://KEY@HOST, or wsn://KEY alone)"},
    {"wsn://npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w4", "bad checksum in npub"},
    {"wsn://" + std::string(63, '0') + "5", "hex key is not a valid secp256k1 public key"},
    {"wsn://nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5",
     "the key is a secret key (nsec); an address takes the public key (npub)"},
    {"wsn://" + kNpub + "#x", "fragment ('#') not allowed in a relay address"},
    {"wsn://@host", "missing key before '@'"},
    {"wsn://npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w4@host", "bad checksum in npub"},
    {"wsn://npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6W6@host", "mixed case in npub"},
    {"wsn://npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w@host", "bad checksum in npub"},
    {"wsn://nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5@host",
     "the key is a secret key (nsec); an address takes the public key (npub)"},
    {"wsn://3BF0C63FCB93463407AF97A5E5EE64FA883D107EF9E558472C4EB9AAAEFA459D@host", "hex key must be lowercase"},
    {"wsn://" + kHex.substr(1) + "@host", "hex key must be 64 characters (got 63)"},
    {"wsn://" + std::string(63, '0') + "5@host", "hex key is not a valid secp256k1 public key"},
    {"wsn://alice@host", "key must be an npub or 64 lowercase hex characters"},
    {"wsn://alice:secret@host", "key must be an npub or 64 lowercase hex characters"},
    // host
    {at(""), "missing host"},
    {at(":8443"), "missing host"},
    {at("2001:db8::1"), "IPv6 address needs brackets"},
    {at("2001:db8::1:8443"), "IPv6 address needs brackets"},
    {at("[2001:db8::1"), "missing ']' after IPv6 address"},
    {at("[2001:db8::1]8443"), "unexpected '8443' after IPv6 address"},
    {at("[2001:db8::g]"), "bad IPv6 address '2001:db8::g'"},
    {at("[1.2.3.4]"), "bad IPv6 address '1.2.3.4'"},
    {at("[fe80::1%25eth0]"), "IPv6 zone IDs are not supported in 'fe80::1%25eth0'"},
    {at("256.1.1.1"), "bad IPv4 address '256.1.1.1' ('256' is over 255)"},
    {at("1.2.3"), "bad IPv4 address '1.2.3' (needs 4 parts, has 3)"},
    {at("1.2.3.4.5"), "bad IPv4 address '1.2.3.4.5' (needs 4 parts, has 5)"},
    {at("01.2.3.4"), "bad IPv4 address '01.2.3.4' (leading zero in '01')"},
    {at("1.2..4"), "bad IPv4 address '1.2..4' (parts must be decimal numbers)"},
    {at("host.123"), "bad IPv4 address 'host.123' (parts must be decimal numbers)"},
    {at("ex_ample.com"), "invalid character '_' in host name 'ex_ample.com'"},
    {at("-relay.example.com"), "label starts or ends with '-' in host name '-relay.example.com'"},
    {at("relay-.example.com"), "label starts or ends with '-' in host name 'relay-.example.com'"},
    {at("relay..example.com"), "empty label in host name 'relay..example.com'"},
    {at("relay.example.com."), "empty label in host name 'relay.example.com.'"},
    {at(std::string(64, 'a') + ".com"),
     "label longer than 63 characters in host name '" + std::string(64, 'a') + "...'"},
    {at("r\xc3\xa9lay.com"), "non-ASCII host name 'r??lay.com' (write it in its xn-- form)"},
    {at("expyuzz4wqqyqhjn.onion"),
     "v2 onion addresses are not supported (Tor removed them): 'expyuzz4wqqyqhjn.onion'"},
    {at(kOnion.substr(1)), "bad onion address '" + kOnion.substr(1) + "' (needs 56 base32 characters before .onion)"},
    {at("www." + kOnion), "bad onion address 'www." + kOnion.substr(0, 60) +
                              "...' (needs 56 base32 characters before .onion)"},
    {at("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1.onion"),
     "bad onion address 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1.onion' (needs 56 base32 "
     "characters before .onion)"},
    // one character changed in the key part: the checksum catches it
    {at("euckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"),
     "bad onion address 'euckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion' (checksum does not "
     "match: mistyped?)"},
    {at("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczaa.onion"),
     "bad onion address 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczaa.onion' (version 0, expected 3)"},
    // port
    {at("host:70000"), "port 70000 out of range"},
    {at("host:0"), "port 0 out of range"},
    {at("host:99999999999999999999"), "port 999999999999... out of range"},
    {at("host:"), "empty port after ':'"},
    {at("host:8a"), "bad port '8a'"},
    {at("host:-1"), "bad port '-1'"},
    {at("[::1]:"), "empty port after ':'"},
    {at("[::1]:65536"), "port 65536 out of range"},
    // path
    {at("host/a b"), "invalid character in path at position 2"},
    {at("host/%zz"), "bad percent-escape in path at position 1"},
    {at("host/%2"), "bad percent-escape in path at position 1"},
    {at("host/x#frag"), "fragment ('#') not allowed in a relay address"},
    {at("host/\"x\""), "invalid character in path at position 1"},
    {at("host/\\"), "invalid character in path at position 1"},
    // whole
    {at(std::string(5000, 'a')), "address too long (5070 characters, at most 4096)"},
};

TEST(Address, EveryError) {
    for (const Bad& b : kBad) {
        SCOPED_TRACE(b.input);
        auto a = parse_address(b.input);
        ASSERT_FALSE(a.ok());
        EXPECT_EQ(a.error().message, b.error);
    }
}

TEST(Address, PlainWebSocketUrls) {
    auto a = parse_relay_url("wss://Relay.Damus.io/");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->scheme, Scheme::wss);
    EXPECT_FALSE(a->key.has_value());
    EXPECT_EQ(a->host, (Host{"relay.damus.io", HostKind::dns}));
    EXPECT_EQ(a->port, 443);
    EXPECT_EQ(a->path, "/");
    EXPECT_TRUE(a->tls());
    EXPECT_EQ(format_address(*a), "wss://relay.damus.io");

    a = parse_relay_url("ws://127.0.0.1:7777/relay");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->scheme, Scheme::ws);
    EXPECT_EQ(a->host.kind, HostKind::ipv4);
    EXPECT_EQ(a->port, 7777);
    EXPECT_FALSE(a->tls());
    EXPECT_EQ(format_address(*a), "ws://127.0.0.1:7777/relay");

    a = parse_relay_url("ws://[::1]:80");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(format_address(*a), "ws://[::1]");

    // The keyed schemes go through the same function.
    a = parse_relay_url("wsns://" + kNpub + "@relay.example.com");
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->key.has_value());

    EXPECT_EQ(parse_relay_url("ws://" + kNpub + "@host").error().message,
              "ws:// URLs take no key or user info before '@' (a keyed address is wsn:// or wsns://)");
    EXPECT_EQ(parse_relay_url("https://host").error().message,
              "unknown scheme 'https' (expected ws://, wss://, wsn:// or wsns://)");
    EXPECT_EQ(parse_relay_url("wss://host:443:1").error().message, "IPv6 address needs brackets");
}

TEST(Address, FormatParseRoundTripOfBuiltAddresses) {
    const Host hosts[] = {{"10.0.0.1", HostKind::ipv4},       {"2001:db8::8:800:200c:417a", HostKind::ipv6},
                          {"::", HostKind::ipv6},              {"a.b-c.example", HostKind::dns},
                          {kOnion, HostKind::onion}};
    const char* paths[] = {"/", "/nostr", "/?a=b", "/a/b/c;p=1@x:y"};
    uint16_t ports[] = {1, 80, 443, 8443, 65535};
    for (Scheme scheme : {Scheme::ws, Scheme::wss, Scheme::wsn, Scheme::wsns})
        for (const Host& host : hosts)
            for (const char* path : paths)
                for (uint16_t port : ports) {
                    Address a{scheme, std::nullopt, host, port, path};
                    if (scheme == Scheme::wsn || scheme == Scheme::wsns)
                        a.key = crypto::SecretKey::generate().xonly_pubkey();
                    std::string s = format_address(a);
                    SCOPED_TRACE(s);
                    auto back = parse_relay_url(s);
                    ASSERT_TRUE(back.ok()) << back.error().message;
                    EXPECT_EQ(*back, a);
                    EXPECT_EQ(s.find(":" + std::to_string(default_port(scheme)) + "/"), std::string::npos);
                }
}

TEST(Address, Parts) {
    EXPECT_EQ(parse_host("[2001:0db8::0001]")->name, "2001:db8::1");
    EXPECT_EQ(parse_host("::1").error().message, "IPv6 address needs brackets");
    EXPECT_EQ(*parse_port("8443"), 8443);
    EXPECT_EQ(parse_port("").error().message, "bad port ''");
    EXPECT_EQ(*parse_path(""), "/");
    EXPECT_EQ(*parse_path("?x"), "/?x");
    EXPECT_EQ(parse_path("x").error().message, "path must start with '/'");
    EXPECT_EQ(*parse_key(kHex), *parse_key(kNpub));
    EXPECT_EQ(default_port(Scheme::wsn), 80);
    EXPECT_EQ(default_port(Scheme::wsns), 443);
    EXPECT_EQ(scheme_name(Scheme::wsns), "wsns");
    EXPECT_EQ(host_kind_name(HostKind::onion), "onion");
}

// Host and port on their own: one text form, brackets exactly for IPv6.
TEST(HostPort, Format) {
    EXPECT_EQ(format_host("203.0.113.5"), "203.0.113.5");
    EXPECT_EQ(format_host("2001:db8::1"), "[2001:db8::1]");
    EXPECT_EQ(format_host_port("relay.example.com", 7447), "relay.example.com:7447");
    EXPECT_EQ(format_host_port("::1", 7447), "[::1]:7447");
    EXPECT_EQ(format_host_port("::1", 80, 80), "[::1]");
    EXPECT_EQ(format_host_port("h", 81, 80), "h:81");
    EXPECT_EQ(format_host_port(HostPort{"2001:db8::1", 443}), "[2001:db8::1]:443");
}

TEST(HostPort, Split) {
    auto s = split_host_port("[::1]:7447");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->host, "[::1]");
    EXPECT_EQ(s->port, "7447");
    s = split_host_port("host");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->host, "host");
    EXPECT_FALSE(s->port);
    EXPECT_EQ(split_host_port("[::1]").value().host, "[::1]");
    EXPECT_EQ(split_host_port("::1:80").error().message, "IPv6 address needs brackets");
    EXPECT_EQ(split_host_port("[::1").error().message, "missing ']' after IPv6 address");
    EXPECT_EQ(split_host_port("[::1]x").error().message, "unexpected 'x' after IPv6 address");
    EXPECT_EQ(split_host_port("host:").error().message, "empty port after ':'");
}

TEST(HostPort, Parse) {
    auto hp = parse_host_port("[2001:0db8::1]:9050");
    ASSERT_TRUE(hp.ok()) << hp.error().message;
    EXPECT_EQ(hp->first, (Host{"2001:db8::1", HostKind::ipv6}));
    EXPECT_EQ(hp->second, 9050);
    EXPECT_EQ(parse_host_port("Tor.Example:1")->first.name, "tor.example");
    EXPECT_EQ(parse_host_port("host", 80)->second, 80);
    EXPECT_EQ(parse_host_port("host").error().message, "'host': expected HOST:PORT (an IPv6 address in brackets)");
    EXPECT_EQ(parse_host_port("host:0").error().message, "'host:0': port 0 out of range");
    EXPECT_EQ(parse_host_port("-x:1").error().message, "'-x:1': label starts or ends with '-' in host name '-x'");
}

TEST(HostPort, Ip) {
    EXPECT_EQ(parse_ip("::1")->kind, HostKind::ipv6);
    EXPECT_EQ(parse_ip("[::1]")->name, "::1");
    EXPECT_EQ(parse_ip("127.0.0.1")->kind, HostKind::ipv4);
    EXPECT_EQ(parse_ip("localhost").error().message, "'localhost' is not an IP address");
    EXPECT_FALSE(parse_ip("1.2.3.256").ok());
}

TEST(HostPort, Loopback) {
    EXPECT_TRUE(is_loopback("127.0.0.1"));
    EXPECT_TRUE(is_loopback("127.1.2.3"));
    EXPECT_TRUE(is_loopback("::1"));
    EXPECT_TRUE(is_loopback("[::1]"));
    EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
    EXPECT_FALSE(is_loopback("0.0.0.0"));
    EXPECT_FALSE(is_loopback("::"));
    EXPECT_FALSE(is_loopback("192.168.1.1"));
    EXPECT_FALSE(is_loopback("localhost"));
    EXPECT_FALSE(is_loopback("not an ip"));
}

}  // namespace
}  // namespace wsn
