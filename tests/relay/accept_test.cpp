// The accept rules the relay and `wsn import` share: the parser limits a config sets,
// and each event rule with its OK message.
#include <gtest/gtest.h>

#include "nostr/parser.hpp"
#include "relay/accept.hpp"

using namespace wsn;
using namespace wsn::relay;

namespace {

constexpr int64_t kNow = 1'700'000'000;
const Moderation kNoModeration;

nostr::Event event(const crypto::SecretKey& k, uint16_t kind, int64_t created_at, std::vector<nostr::Tag> tags = {}) {
    return nostr::make_signed(k, created_at, kind, std::move(tags), "x");
}

TEST(Accept, ParserLimitsFollowTheConfig) {
    Config cfg;
    cfg.max_message_bytes = 1000;
    cfg.max_filters = 3;
    cfg.max_event_tags = 2;
    cfg.max_content_bytes = 5;
    nostr::Limits l = parser_limits(cfg);
    EXPECT_EQ(l.max_message_bytes, 1000u);
    EXPECT_EQ(l.max_filters, 3u);
    EXPECT_EQ(l.max_tags, 2u);
    EXPECT_EQ(l.max_content_bytes, 5u);
    nostr::Parser p(l);
    auto k = crypto::SecretKey::generate();
    EXPECT_TRUE(p.parse_event(nostr::to_json(nostr::make_signed(k, kNow, 1, {}, "12345"))));
    auto big = p.parse_event(nostr::to_json(nostr::make_signed(k, kNow, 1, {}, "123456")));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().message, "invalid: content too long (limit 5 bytes)");
}

TEST(Accept, EventRules) {
    auto alice = crypto::SecretKey::generate(), bob = crypto::SecretKey::generate();
    Config cfg;
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow), kNow), "");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow + 900), kNow), "");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow + 901), kNow), "invalid: created_at is too far in the future");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow, {{"expiration", std::to_string(kNow)}}), kNow),
              "invalid: event has expired");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow, {{"expiration", std::to_string(kNow + 1)}}), kNow), "");

    cfg.deny_kinds = {7};
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 7, kNow), kNow), "blocked: kind 7 not allowed on this relay");
    cfg.allow_kinds = {1};
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow), kNow), "");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 6, kNow), kNow), "blocked: kind 6 not allowed on this relay");

    cfg.deny_pubkeys = {bob.xonly_pubkey().hex()};
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(bob, 1, kNow), kNow), "blocked: pubkey not allowed on this relay");
    cfg.deny_pubkeys.clear();
    cfg.allow_pubkeys = {alice.xonly_pubkey().hex()};
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(alice, 1, kNow), kNow), "");
    EXPECT_EQ(event_refusal(cfg, kNoModeration, event(bob, 1, kNow), kNow), "blocked: pubkey not allowed on this relay");
}

// The management API's lists join the config's: a deny in either refuses, an allow list in
// either admits, and an event the API allowed passes both.
TEST(Accept, ManagementListsJoinTheConfigs) {
    auto alice = crypto::SecretKey::generate(), bob = crypto::SecretKey::generate();
    const std::string a = alice.xonly_pubkey().hex(), b = bob.xonly_pubkey().hex();
    Config cfg;
    Moderation mod;
    mod.banned_pubkeys[b] = "spam";
    EXPECT_EQ(event_refusal(cfg, mod, event(bob, 1, kNow), kNow), "blocked: pubkey not allowed on this relay");
    EXPECT_EQ(event_refusal(cfg, mod, event(alice, 1, kNow), kNow), "");
    mod.banned_pubkeys.clear();
    mod.allowed_pubkeys[a] = "";
    EXPECT_EQ(event_refusal(cfg, mod, event(bob, 1, kNow), kNow), "blocked: pubkey not allowed on this relay");
    cfg.allow_pubkeys = {b};  // the config's list admits bob, the API's alice
    EXPECT_EQ(event_refusal(cfg, mod, event(bob, 1, kNow), kNow), "");
    EXPECT_EQ(event_refusal(cfg, mod, event(alice, 1, kNow), kNow), "");
    mod.disallowed_kinds = {7};
    EXPECT_EQ(event_refusal(cfg, mod, event(alice, 7, kNow), kNow), "blocked: kind 7 not allowed on this relay");
    mod.allowed_kinds = {1};
    EXPECT_EQ(event_refusal(cfg, mod, event(alice, 6, kNow), kNow), "blocked: kind 6 not allowed on this relay");
    auto banned = event(alice, 1, kNow);
    mod.banned_events[nostr::id_hex(banned.id)] = "";
    EXPECT_EQ(event_refusal(cfg, mod, banned, kNow), "blocked: this event is banned from this relay");
    auto allowed = event(bob, 7, kNow);  // a disallowed kind, but the event itself is allowed
    mod.allowed_events[nostr::id_hex(allowed.id)] = "";
    EXPECT_EQ(event_refusal(cfg, mod, allowed, kNow), "");
    // Time rules hold for every event.
    EXPECT_EQ(event_refusal(cfg, mod, event(alice, 1, kNow + 901), kNow), "invalid: created_at is too far in the future");
}

}  // namespace
