// The address announcement (DESIGN.md §8): every acceptance rule, every tag error,
// the tie rule, and the address forms a transport tag may hold.
#include <gtest/gtest.h>

#include "nostr/event.hpp"
#include "wsn/announcement.hpp"
#include "wsn/fixtures.hpp"

namespace wsn {
namespace {

using namespace fixtures;

// A signed kind-11111 event with these tags (no expiration added).
nostr::Event signed_with(const std::vector<nostr::Tag>& tags, int64_t created_at = kNow,
                         const crypto::SecretKey& k = key_a()) {
    return nostr::make_signed(k, created_at, kAnnouncementKind, tags, "");
}

nostr::Tag expires(int64_t t) { return {"expiration", std::to_string(t)}; }

std::string parse_error(const std::vector<nostr::Tag>& tags) {
    auto a = parse_announcement(signed_with(tags));
    return a ? "" : a.error().message;
}

TEST(Announcement, BuildThenAcceptEveryHostForm) {
    const std::string npub_at = "wsn://" + key_b().xonly_pubkey().hex() + "@";  // another key: replaced by ours
    std::vector<Address> in = {addr(npub_at + "203.0.113.7:7447"), addr(npub_at + "[2001:db8::7]:7447"),
                               addr(npub_at + kOnion + ":7447"), addr("wss://relay.example.com"),
                               addr("wsns://" + key_b().xonly_pubkey().hex() + "@relay.example.com:443/nostr")};
    auto e = build_announcement(key_a(), in, kNow);
    EXPECT_EQ(e.kind, 11111);
    EXPECT_EQ(e.content, "");
    const std::vector<nostr::Tag> tags = {{"clearnet", "203.0.113.7:7447", "wsn"},
                                          {"clearnet", "[2001:db8::7]:7447", "wsn"},
                                          {"tor", kOnion + ":7447", "wsn"},
                                          {"clearnet", "relay.example.com", "wss"},
                                          {"clearnet", "relay.example.com", "wsns", "/nostr"},
                                          {"expiration", std::to_string(kNow + 1209600)}};
    EXPECT_EQ(e.tags, tags);

    auto a = accept_announcement(e, key_a().xonly_pubkey(), kNow);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->expires_at, uint64_t(kNow + 1209600));
    ASSERT_EQ(a->transports.size(), 5u);
    const auto me = key_a().xonly_pubkey();
    EXPECT_EQ(a->transports[0].address, addr("wsn://" + me.hex() + "@203.0.113.7:7447"));
    EXPECT_EQ(a->transports[1].address.host, (Host{"2001:db8::7", HostKind::ipv6}));
    EXPECT_EQ(a->transports[2].network, Network::tor);
    EXPECT_EQ(a->transports[2].address.host.kind, HostKind::onion);
    EXPECT_EQ(a->transports[3].address, addr("wss://relay.example.com"));
    EXPECT_FALSE(a->transports[3].address.key);
    EXPECT_EQ(a->transports[4].address, addr("wsns://" + me.hex() + "@relay.example.com/nostr"));
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(transport_tag(a->transports[i]), tags[i]);
}

TEST(Announcement, DefaultPortOfTheProtocolWhenOmitted) {
    auto a = parse_announcement(signed_with({{"clearnet", "relay.example.com", "wsn"},
                                             {"clearnet", "relay.example.com", "wsns"},
                                             {"clearnet", "[2001:db8::1]", "ws"},
                                             expires(kNow + 60)}));
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->transports[0].address.port, 80);
    EXPECT_EQ(a->transports[1].address.port, 443);
    EXPECT_EQ(a->transports[2].address.port, 80);
}

TEST(Announcement, WrongSigner) {
    auto e = build_announcement(key_b(), {addr("ws://127.0.0.1:1")}, kNow);
    auto a = accept_announcement(e, key_a().xonly_pubkey(), kNow);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message.rfind("announcement signed by another key", 0), 0u) << a.error().message;
}

TEST(Announcement, ForgedPubkeyOrTamperedTagFailsTheSignature) {
    auto e = build_announcement(key_b(), {addr("ws://127.0.0.1:1")}, kNow);
    e.pubkey = key_a().xonly_pubkey();  // claims to be A, signed by B
    auto a = accept_announcement(e, key_a().xonly_pubkey(), kNow);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("id does not match"), std::string::npos) << a.error().message;

    auto t = build_announcement(key_a(), {addr("ws://127.0.0.1:1")}, kNow);
    t.tags[0][1] = "127.0.0.1:2";
    t.id = nostr::compute_id(t);  // consistent id, old signature
    a = accept_announcement(t, key_a().xonly_pubkey(), kNow);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("bad signature"), std::string::npos) << a.error().message;
}

TEST(Announcement, Expired) {
    auto e = build_announcement(key_a(), {addr("ws://127.0.0.1:1")}, kNow - 100, 100);
    auto a = accept_announcement(e, key_a().xonly_pubkey(), kNow);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "expired (0 s ago)");
    EXPECT_TRUE(accept_announcement(e, key_a().xonly_pubkey(), kNow - 1));
}

TEST(Announcement, FarFuture) {
    auto ok = build_announcement(key_a(), {}, kNow + kMaxClockSkew);
    EXPECT_TRUE(accept_announcement(ok, key_a().xonly_pubkey(), kNow));
    auto ahead = build_announcement(key_a(), {}, kNow + kMaxClockSkew + 1);
    auto a = accept_announcement(ahead, key_a().xonly_pubkey(), kNow);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message.rfind("created_at too far ahead", 0), 0u) << a.error().message;
}

TEST(Announcement, OlderThanHeldAndTheSameOne) {
    const auto me = key_a().xonly_pubkey();
    auto held = *accept_announcement(build_announcement(key_a(), {addr("ws://127.0.0.1:2")}, kNow), me, kNow);
    auto older = build_announcement(key_a(), {addr("ws://127.0.0.1:1")}, kNow - 1);
    auto a = accept_announcement(older, me, kNow, &held);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "older than the announcement held");
    a = accept_announcement(held.event, me, kNow, &held);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "same as the announcement held");
    EXPECT_TRUE(accept_announcement(build_announcement(key_a(), {}, kNow + 1), me, kNow, &held));
}

TEST(Announcement, TieByLowerId) {
    const auto me = key_a().xonly_pubkey();
    auto x = build_announcement(key_a(), {addr("ws://127.0.0.1:1")}, kNow);
    auto y = build_announcement(key_a(), {addr("ws://127.0.0.1:2")}, kNow);
    if (y.id < x.id) std::swap(x, y);  // x has the lower id
    EXPECT_TRUE(newer(x, y));
    EXPECT_FALSE(newer(y, x));
    auto held_y = *accept_announcement(y, me, kNow);
    EXPECT_TRUE(accept_announcement(x, me, kNow, &held_y));
    auto held_x = *accept_announcement(x, me, kNow);
    auto a = accept_announcement(y, me, kNow, &held_x);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "older than the announcement held");
}

TEST(Announcement, WrongKind) {
    auto e = nostr::make_signed(key_a(), kNow, 10002, {expires(kNow + 60)}, "");
    auto a = parse_announcement(e);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "not an announcement (kind 10002, expected 11111)");
}

TEST(Announcement, ExpirationTagErrors) {
    EXPECT_EQ(parse_error({{"clearnet", "127.0.0.1:1", "ws"}}), "no expiration tag");
    EXPECT_EQ(parse_error({{"expiration", "soon"}}), "bad expiration tag 'soon' (expected unix seconds)");
    EXPECT_EQ(parse_error({{"expiration", "-5"}}), "bad expiration tag '-5' (expected unix seconds)");
    EXPECT_EQ(parse_error({{"expiration"}}), "bad expiration tag '' (expected unix seconds)");
    EXPECT_EQ(parse_error({expires(kNow + 1), expires(kNow + 2)}), "more than one expiration tag");
}

TEST(Announcement, TransportTagErrorsNameTheTag) {
    const auto exp = expires(kNow + 60);
    EXPECT_EQ(parse_error({exp, {"clearnet", "127.0.0.1:1"}}), "transport tag 1 has no address or protocol");
    EXPECT_EQ(parse_error({{"tor"}, exp}), "transport tag 0 has no address or protocol");
    EXPECT_EQ(parse_error({exp, {"clearnet", "", "wsn"}}), "bad address in transport tag 1: empty");
    EXPECT_EQ(parse_error({exp, {"clearnet", "ok.example", "ws"}, {"clearnet", "2001:db8::1", "wsn"}}),
              "bad address in transport tag 2: IPv6 address needs brackets");
    EXPECT_EQ(parse_error({exp, {"clearnet", "127.0.0.1:70000", "wsn"}}),
              "bad address in transport tag 1: port 70000 out of range");
    EXPECT_EQ(parse_error({exp, {"clearnet", "ws://127.0.0.1:1", "ws"}}),
              "bad address in transport tag 1: host[:port] only (no scheme, key, path or '@')");
    EXPECT_EQ(parse_error({exp, {"clearnet", "127.0.0.1:1/nostr", "ws"}}),
              "bad address in transport tag 1: host[:port] only (no scheme, key, path or '@')");
    EXPECT_EQ(parse_error({exp, {"clearnet", "bad_name.example", "ws"}}),
              "bad address in transport tag 1: invalid character '_' in host name 'bad_name.example'");
    EXPECT_EQ(parse_error({exp, {"tor", "abc.onion:1", "wsn"}}).rfind("bad address in transport tag 1: bad onion", 0), 0u);
    EXPECT_EQ(parse_error({exp, {"clearnet", "127.0.0.1", "ws", "nostr"}}),
              "bad path in transport tag 1: must start with '/'");
    EXPECT_EQ(parse_error({exp, {"clearnet", "127.0.0.1", "ws", "/a b"}}),
              "bad path in transport tag 1: invalid character in path at position 2");
}

TEST(Announcement, UnknownNetworksProtocolsAndTagsAreSkipped) {
    auto a = parse_announcement(signed_with({{"clearnet", "127.0.0.1:1", "quic"},
                                             {"lokinet", "whatever", "wsn"},
                                             {"r", "wss://other.example"},
                                             {},
                                             {"i2p", "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst.b32.i2p", "wsn"},
                                             {"clearnet", "127.0.0.1:2", "ws"},
                                             expires(kNow + 60)}));
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(a->transports.size(), 2u);
    EXPECT_EQ(a->transports[0].network, Network::i2p);
    EXPECT_EQ(a->transports[1].address, addr("ws://127.0.0.1:2"));
    EXPECT_EQ(network_of(a->transports[0].address.host), Network::i2p);
}

TEST(Announcement, TooManyTransportTags) {
    std::vector<nostr::Tag> tags(kMaxTransports, nostr::Tag{"clearnet", "127.0.0.1:1", "ws"});
    tags.push_back(expires(kNow + 60));
    EXPECT_EQ(parse_error(tags), "");
    tags.push_back({"clearnet", "127.0.0.1:1", "quic"});  // counted even when its protocol is skipped
    EXPECT_EQ(parse_error(tags), "too many transport tags (more than 64)");
}

}  // namespace
}  // namespace wsn
