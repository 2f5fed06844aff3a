// NIP-62 bookkeeping: which requests name this relay, and what they refuse afterwards.
#include <gtest/gtest.h>

#include "nostr/nip19.hpp"
#include "relay/vanish.hpp"
#include "relay/test_keys.hpp"

namespace wsn::relay {
namespace {

using test::key;

TEST(Vanish, NamesThisRelay) {
    auto alice = key(1);
    auto relay = key(9).xonly_pubkey();
    auto req = [&](std::string relay_tag, uint16_t kind = kVanishKind) {
        return nostr::make_signed(alice, 100, kind, {{"relay", relay_tag}}, "");
    };
    std::vector<std::string> urls{"wss://relay.example.com"};
    EXPECT_TRUE(names_this_relay(req("ALL_RELAYS"), {}, relay));
    EXPECT_TRUE(names_this_relay(req("WSS://Relay.Example.com:443/"), urls, relay));
    EXPECT_FALSE(names_this_relay(req("wss://other.example"), urls, relay));
    EXPECT_FALSE(names_this_relay(req("wss://other.example"), {}, relay));  // unset URLs match nothing here
    EXPECT_TRUE(names_this_relay(req("wsn://" + nostr::encode_npub(relay) + "@1.2.3.4:7447"), {}, relay));
    EXPECT_TRUE(names_this_relay(req("wsns://" + nostr::encode_npub(relay)), {}, relay));
    EXPECT_FALSE(names_this_relay(req("wsn://" + nostr::encode_npub(key(8).xonly_pubkey())), {}, relay));
    EXPECT_FALSE(names_this_relay(req("ALL_RELAYS", 1), {}, relay));  // not kind 62
}

TEST(Vanish, RefusesWhatTheRequestCovers) {
    auto alice = key(1), bob = key(2);
    Vanished v;
    EXPECT_TRUE(v.empty());
    v.add(alice.xonly_pubkey(), 100);
    v.add(alice.xonly_pubkey(), 50);  // an older request does not shrink the range
    EXPECT_NE(v.refusal(nostr::make_signed(alice, 100, 1, {}, "")), "");
    EXPECT_EQ(v.refusal(nostr::make_signed(alice, 101, 1, {}, "")), "");
    EXPECT_EQ(v.refusal(nostr::make_signed(alice, 90, kVanishKind, {}, "")), "");  // requests are kept
    auto wrap = nostr::make_signed(bob, 80, kGiftWrapKind, {{"p", alice.xonly_pubkey().hex()}}, "");
    EXPECT_NE(v.refusal(wrap), "");
    EXPECT_EQ(v.refusal(nostr::make_signed(bob, 80, 1, {{"p", alice.xonly_pubkey().hex()}}, "")), "");
    auto f = Vanished::erased_by(alice.xonly_pubkey(), 100);
    EXPECT_TRUE(nostr::matches_any(f, wrap));
    EXPECT_TRUE(nostr::matches_any(f, nostr::make_signed(alice, 100, 3, {}, "")));
    EXPECT_FALSE(nostr::matches_any(f, nostr::make_signed(alice, 101, 3, {}, "")));
}

}  // namespace
}  // namespace wsn::relay
