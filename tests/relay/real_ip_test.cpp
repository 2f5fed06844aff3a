// The client's address behind reverse proxies: believed only from trusted peers, read
// from the right, IPv4 and IPv6 (strfry #50: the leftmost hop is the client's to choose).
#include <gtest/gtest.h>

#include "relay/real_ip.hpp"

namespace wsn::relay {
namespace {

std::vector<IpNetwork> nets(std::initializer_list<const char*> list) {
    std::vector<IpNetwork> out;
    for (const char* s : list) {
        auto n = parse_ip_network(s);
        EXPECT_TRUE(n.ok()) << s;
        if (n) out.push_back(*n);
    }
    return out;
}

TEST(RealIp, HeaderIgnoredFromAnUntrustedPeer) {
    auto trusted = nets({"127.0.0.1"});
    EXPECT_EQ(client_ip("203.0.113.9:4000", "198.51.100.1", trusted), "203.0.113.9");
    EXPECT_EQ(client_ip("[2001:db8::9]:4000", "198.51.100.1", trusted), "2001:db8::9");
    EXPECT_EQ(client_ip("203.0.113.9:4000", "", {}), "203.0.113.9");
}

TEST(RealIp, RightmostUntrustedHopFromATrustedPeer) {
    auto trusted = nets({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
    EXPECT_EQ(client_ip("127.0.0.1:5000", "198.51.100.7", trusted), "198.51.100.7");
    // a client-written hop at the left is never read: the proxy appended the last one
    EXPECT_EQ(client_ip("127.0.0.1:5000", "6.6.6.6, 198.51.100.7", trusted), "198.51.100.7");
    // two proxies: the inner one's hop is skipped as trusted
    EXPECT_EQ(client_ip("127.0.0.1:5000", "6.6.6.6,198.51.100.7, 10.1.2.3", trusted), "198.51.100.7");
    // IPv6 hops, with and without brackets and ports; IPv6 proxies
    EXPECT_EQ(client_ip("[fd00::1]:5000", "2001:db8::42", trusted), "2001:db8::42");
    EXPECT_EQ(client_ip("[fd00::1]:5000", "[2001:db8::42]:1234, fd12::3", trusted), "2001:db8::42");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "198.51.100.7:3333", trusted), "198.51.100.7");
    // an IPv4-mapped peer is the IPv4 address
    EXPECT_EQ(client_ip("[::ffff:127.0.0.1]:5000", "198.51.100.7", trusted), "198.51.100.7");
}

TEST(RealIp, UnreadableOrMissingHopsStopAtTheLastKnownAddress) {
    auto trusted = nets({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(client_ip("127.0.0.1:5000", "", trusted), "127.0.0.1");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "unknown", trusted), "127.0.0.1");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "198.51.100.7, garbage", trusted), "127.0.0.1");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "garbage, 10.0.0.5", trusted), "10.0.0.5");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "fe80::1%eth0", trusted), "127.0.0.1");
    EXPECT_EQ(client_ip("127.0.0.1:5000", "10.0.0.2, 10.0.0.5", trusted), "10.0.0.2");  // all proxies
}

TEST(RealIp, NetworksParseAndMatch) {
    auto n = parse_ip_network("10.0.0.0/8");
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(n->contains(*parse_hop("10.255.0.1")));
    EXPECT_FALSE(n->contains(*parse_hop("11.0.0.1")));
    auto v6 = parse_ip_network("2001:db8::/33");
    ASSERT_TRUE(v6.ok());
    EXPECT_TRUE(v6->contains(*parse_hop("2001:db8:7fff::1")));
    EXPECT_FALSE(v6->contains(*parse_hop("2001:db8:8000::1")));
    EXPECT_TRUE(parse_ip_network("0.0.0.0/0")->contains(*parse_hop("8.8.8.8")));
    EXPECT_FALSE(parse_ip_network("0.0.0.0/0")->contains(*parse_hop("2001:db8::1")));  // v4 blocks hold v4 only
    EXPECT_FALSE(parse_ip_network("10.0.0.0/33").ok());
    EXPECT_FALSE(parse_ip_network("example.com").ok());
    EXPECT_NE(parse_ip_network("10.0.0.0/x").error().message.find("prefix length"), std::string::npos);
    EXPECT_EQ(ip_text(*parse_hop(" [2001:DB8::1]:80 ")), "2001:db8::1");
}

TEST(RealIp, HopsInEveryShapeAHeaderOrSocketWrites) {
    for (const char* v4 : {"203.0.113.7", "203.0.113.7:5678", " 203.0.113.7 "})
        EXPECT_EQ(ip_text(*parse_hop(v4)), "203.0.113.7") << v4;
    for (const char* v6 : {"2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:5678", "::ffff:203.0.113.7"})
        EXPECT_TRUE(parse_hop(v6).has_value()) << v6;
    EXPECT_EQ(ip_text(*parse_hop("::ffff:203.0.113.7")), "203.0.113.7");
    for (const char* bad : {"", "unknown", "example.com:80", "[2001:db8::1", "[2001:db8::1]x", "1.2.3.4:", "fe80::1%eth0"})
        EXPECT_FALSE(parse_hop(bad).has_value()) << bad;
}

}  // namespace
}  // namespace wsn::relay
