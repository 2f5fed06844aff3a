// The resolver's decisions (wsn/resolution.hpp): which announcement wins, which
// addresses are tried in what order, and what the cache keeps.
#include <gtest/gtest.h>

#include "nostr/event.hpp"
#include "wsn/fixtures.hpp"
#include "wsn/resolution.hpp"

namespace wsn {
namespace {

using namespace fixtures;

crypto::XOnlyPubkey pub_a() { return key_a().xonly_pubkey(); }

Address keyed(const std::string& hostport, const std::string& scheme = "wsn") {
    return addr(scheme + "://" + pub_a().hex() + "@" + hostport);
}

nostr::Event announce(std::vector<Address> where, int64_t created_at = kNow - 60,
                      const crypto::SecretKey& k = key_a(), int64_t lifetime = kDefaultAnnouncementLifetime) {
    return build_announcement(k, where, created_at, lifetime);
}

TEST(Resolution, NewestAcceptableWinsAndEachRefusalIsNamed) {
    auto old_one = announce({keyed("127.0.0.2:7000")}, kNow - 3600);
    auto new_one = announce({keyed("127.0.0.3:7001")}, kNow - 60);
    auto forged = announce({keyed("127.0.0.9:7009")}, kNow, key_b());
    forged.pubkey = pub_a();  // claims to be a's: the signature does not match
    auto expired = announce({keyed("127.0.0.8:7008")}, kNow - 100, key_a(), 50);
    auto ahead = announce({keyed("127.0.0.7:7007")}, kNow + 3600);
    auto other = announce({keyed("127.0.0.6:7006")}, kNow, key_b());  // b's own: not the key looked for

    auto c = choose_announcement(pub_a(), kNow, old_one,
                                 {{"ws://d1", forged}, {"ws://d1", new_one}, {"ws://d2", new_one},
                                  {"ws://d2", expired}, {"ws://d3", ahead}, {"ws://d3", other},
                                  {"ws://d3", old_one}});
    ASSERT_TRUE(c.best);
    EXPECT_EQ(c.best->event.id, new_one.id);
    EXPECT_EQ(c.sources, (std::vector<std::string>{"ws://d1", "ws://d2"}));
    ASSERT_EQ(c.ignored.size(), 6u);
    EXPECT_NE(c.ignored[0].find("ws://d1: bad announcement"), std::string::npos) << c.ignored[0];
    EXPECT_NE(c.ignored[1].find("ws://d2: expired"), std::string::npos) << c.ignored[1];
    EXPECT_NE(c.ignored[2].find("ws://d3: created_at too far ahead"), std::string::npos) << c.ignored[2];
    EXPECT_NE(c.ignored[3].find("ws://d3: announcement signed by another key"), std::string::npos) << c.ignored[3];
    EXPECT_EQ(c.ignored[4], "cache: older than the newest announcement found");
    EXPECT_EQ(c.ignored[5], "ws://d3: older than the newest announcement found");
}

TEST(Resolution, TheOrderOfTheAnswersDoesNotMatter) {
    auto older = announce({keyed("127.0.0.2:7000")}, kNow - 3600);
    auto newest = announce({keyed("127.0.0.3:7001")}, kNow - 60);
    for (const auto& order : {std::vector<Received>{{"ws://a", older}, {"ws://b", newest}},
                              std::vector<Received>{{"ws://b", newest}, {"ws://a", older}}}) {
        auto c = choose_announcement(pub_a(), kNow, std::nullopt, order);
        ASSERT_TRUE(c.best);
        EXPECT_EQ(c.best->event.id, newest.id);
        EXPECT_EQ(c.sources, std::vector<std::string>{"ws://b"});
        EXPECT_EQ(c.ignored, std::vector<std::string>{"ws://a: older than the newest announcement found"});
    }
}

TEST(Resolution, CachedAnnouncementStandsUntilItExpires) {
    auto held = announce({keyed("127.0.0.2:7000")}, kNow - 60);
    auto c = choose_announcement(pub_a(), kNow, held, {});
    ASSERT_TRUE(c.best);
    EXPECT_EQ(c.sources, std::vector<std::string>{"cache"});
    auto late = choose_announcement(pub_a(), kNow + kDefaultAnnouncementLifetime, held, {});
    EXPECT_FALSE(late.best);
    ASSERT_EQ(late.ignored.size(), 1u);
    EXPECT_TRUE(late.ignored[0].starts_with("cache: expired")) << late.ignored[0];
}

TEST(Resolution, TieGoesToTheLowerId) {
    auto x = announce({keyed("127.0.0.2:7000")}, kNow - 60);
    auto y = announce({keyed("127.0.0.3:7000")}, kNow - 60);
    const auto& low = x.id < y.id ? x : y;
    const auto& high = x.id < y.id ? y : x;
    EXPECT_EQ(choose_announcement(pub_a(), kNow, high, {{"ws://d", low}}).best->event.id, low.id);
    EXPECT_EQ(choose_announcement(pub_a(), kNow, low, {{"ws://d", high}}).best->event.id, low.id);
}

TEST(Resolution, CandidatesInOrderUsableOnly) {
    auto e = announce({keyed("203.0.113.7:7447"), addr("wss://relay.example.com"), keyed(kOnion + ":7447"),
                       keyed("[2001:db8::7]:7447"), keyed("relay.example.com", "wsns"), keyed("203.0.113.7:7447")});
    auto a = accept_announcement(e, pub_a(), kNow);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(candidates(*a, false),
              (std::vector<Address>{keyed("203.0.113.7:7447"), keyed("[2001:db8::7]:7447"),
                                    keyed("relay.example.com", "wsns")}));
    EXPECT_EQ(candidates(*a, true),
              (std::vector<Address>{keyed("203.0.113.7:7447"), keyed(kOnion + ":7447"), keyed("[2001:db8::7]:7447"),
                                    keyed("relay.example.com", "wsns")}));
    EXPECT_EQ(candidates(*a, false, {keyed("203.0.113.7:7447")}),
              (std::vector<Address>{keyed("[2001:db8::7]:7447"), keyed("relay.example.com", "wsns")}));
    // The key in every candidate is the announcer's, so the handshake checks it.
    for (const auto& c : candidates(*a, true)) EXPECT_EQ(c.key, pub_a());
}

TEST(Resolution, CacheRoundTripAndMerge) {
    std::vector<CachedRelay> cache;
    auto first = announce({keyed("127.0.0.2:7000")}, kNow - 3600);
    EXPECT_TRUE(remember(cache, {pub_a(), keyed("127.0.0.2:7000"), first, kNow - 3600}));
    EXPECT_FALSE(remember(cache, {pub_a(), keyed("127.0.0.2:7000"), first, kNow}));  // nothing new
    auto older = announce({keyed("127.0.0.1:1")}, kNow - 7200);
    EXPECT_FALSE(remember(cache, {pub_a(), std::nullopt, older, kNow}));  // an older one never replaces
    auto second = announce({keyed("127.0.0.3:7001")}, kNow - 60);
    EXPECT_TRUE(remember(cache, {pub_a(), keyed("127.0.0.3:7001"), second, kNow}));
    ASSERT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache[0].announcement->id, second.id);
    EXPECT_EQ(cache[0].last_good, keyed("127.0.0.3:7001"));

    EXPECT_TRUE(remember(cache, {key_b().xonly_pubkey(), addr("wsn://" + key_b().xonly_pubkey().hex() + "@h:1"),
                                 std::nullopt, kNow}));
    auto back = parse_cache(format_cache(cache));
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].key, pub_a());
    EXPECT_EQ((*back)[0].last_good, cache[0].last_good);
    EXPECT_EQ(nostr::to_json(*(*back)[0].announcement), nostr::to_json(second));
    EXPECT_EQ((*back)[0].used_at, kNow);
    EXPECT_FALSE((*back)[1].announcement);
    ASSERT_TRUE(find_cached(*back, key_b().xonly_pubkey()));
}

TEST(Resolution, CacheDropsWhatDoesNotRead) {
    EXPECT_FALSE(parse_cache("not json"));
    EXPECT_FALSE(parse_cache("{\"version\":2,\"relays\":[]}"));
    // An entry whose address names another key, or whose event is someone else's: dropped.
    auto b_event = announce({keyed("127.0.0.2:7000")}, kNow, key_b());
    std::string text = "{\"version\":1,\"relays\":[{\"key\":\"" + pub_a().hex() + "\",\"address\":\"wsn://" +
                       key_b().xonly_pubkey().hex() + "@h:1\",\"announcement\":" + nostr::to_json(b_event) +
                       ",\"used_at\":1},{\"key\":\"zz\"}]}";
    auto c = parse_cache(text);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c->empty());
}

TEST(Resolution, CacheIsBounded) {
    std::vector<CachedRelay> cache;
    for (size_t i = 0; i <= kMaxCachedRelays; ++i) {
        auto k = crypto::SecretKey::generate().xonly_pubkey();
        remember(cache, {k, addr("wsn://" + k.hex() + "@h:1"), std::nullopt, int64_t(i)});
    }
    EXPECT_EQ(cache.size(), kMaxCachedRelays);
    EXPECT_EQ(cache.front().used_at, 1);  // the least recently used (0) went
}

}  // namespace
}  // namespace wsn
