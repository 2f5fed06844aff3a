// The monitor's subscription table: replacing, closing and dropping a connection
// leave nothing stale in the index, and many subscriptions get exactly their events.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "relay/subscriptions.hpp"

namespace wsn::relay {
namespace {

using Got = std::set<std::pair<uint64_t, std::string>>;

nostr::Event event(uint16_t kind, uint8_t author, std::vector<nostr::Tag> tags = {}) {
    nostr::Event e;
    e.kind = kind;
    e.pubkey.bytes[0] = author;
    e.tags = std::move(tags);
    e.created_at = 100;
    return e;
}

nostr::Filter kinds(std::vector<uint16_t> k) {
    nostr::Filter f;
    f.kinds = std::move(k);
    f.normalize();
    return f;
}

Got deliveries(Subscriptions& s, const nostr::Event& e) {
    Got got;
    s.for_each_match(e, [&](const Subscriptions::Target& t) {
        EXPECT_TRUE(got.emplace(t.conn, t.sub).second) << "delivered twice";
    });
    return got;
}

TEST(Subscriptions, ReplacedSubscriptionGetsOnlyEventsOfItsNewFilter) {
    Subscriptions s;
    s.add(1, "a", {kinds({1})});
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{1, "a"}}));
    s.add(1, "a", {kinds({7})});  // same id: replaces
    EXPECT_EQ(s.size(), 1u);
    EXPECT_TRUE(deliveries(s, event(1, 0)).empty());
    EXPECT_EQ(deliveries(s, event(7, 0)), (Got{{1, "a"}}));
}

TEST(Subscriptions, ReplacedByAFilterFiledUnderAnotherIndex) {
    // kinds -> authors -> tag -> unindexed: each move leaves no entry behind
    Subscriptions s;
    nostr::Filter by_author;
    by_author.authors = std::vector<crypto::XOnlyPubkey>{event(0, 9).pubkey};
    nostr::Filter by_tag;
    by_tag.tags.push_back({'t', {"x"}});
    s.add(3, "q", {kinds({1})});
    s.add(3, "q", {by_author});
    s.add(3, "q", {by_tag});
    EXPECT_TRUE(deliveries(s, event(1, 0)).empty());
    EXPECT_TRUE(deliveries(s, event(2, 9)).empty());
    EXPECT_EQ(deliveries(s, event(2, 0, {{"t", "x"}})), (Got{{3, "q"}}));
    s.add(3, "q", {nostr::Filter{}});  // matches everything
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{3, "q"}}));
    s.add(3, "q", {kinds({5})});
    EXPECT_TRUE(deliveries(s, event(1, 0)).empty());
}

TEST(Subscriptions, NothingAfterCloseOrConnectionClose) {
    Subscriptions s;
    s.add(1, "a", {kinds({1})});
    s.add(1, "b", {nostr::Filter{}});
    s.add(2, "a", {kinds({1})});
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{1, "a"}, {1, "b"}, {2, "a"}}));
    s.remove(1, "a");
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{1, "b"}, {2, "a"}}));
    s.remove_conn(1);
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{2, "a"}}));
    s.remove(2, "a");
    EXPECT_EQ(s.size(), 0u);
    EXPECT_TRUE(deliveries(s, event(1, 0)).empty());
    // unknown ones are ignored; a reopened id works again
    s.remove(9, "zz");
    s.remove_conn(9);
    s.add(1, "a", {kinds({1})});
    EXPECT_EQ(deliveries(s, event(1, 0)), (Got{{1, "a"}}));
}

TEST(Subscriptions, SameIdOnTwoConnectionsIsTwoSubscriptions) {
    Subscriptions s;
    s.add(1, "x", {kinds({1})});
    s.add(2, "x", {kinds({2})});
    s.remove(1, "x");
    EXPECT_EQ(deliveries(s, event(2, 0)), (Got{{2, "x"}}));
    EXPECT_TRUE(deliveries(s, event(1, 0)).empty());
}

// Many connections and subscriptions under random adds, replaces, closes and
// disconnects: every event goes to exactly the subscriptions a plain model says.
TEST(Subscriptions, AgreesWithAPlainModelUnderChurn) {
    std::mt19937_64 rng(7);
    auto pick = [&](size_t n) { return size_t(rng() % n); };
    auto random_filter = [&] {
        nostr::Filter f;
        switch (pick(4)) {
            case 0: f.kinds = std::vector<uint16_t>{uint16_t(pick(4)), uint16_t(pick(4))}; break;
            case 1: f.authors = std::vector<crypto::XOnlyPubkey>{event(0, uint8_t(pick(4))).pubkey}; break;
            case 2: f.tags.push_back({'t', {std::string(1, char('a' + pick(4)))}}); break;
            default: f.since = int64_t(pick(200)); break;
        }
        f.normalize();
        return f;
    };
    Subscriptions s;
    std::map<std::pair<uint64_t, std::string>, std::vector<nostr::Filter>> model;
    for (int step = 0; step < 5000; ++step) {
        uint64_t conn = pick(20);
        std::string sub(1, char('a' + pick(5)));
        size_t op = pick(10);
        if (op < 6) {
            std::vector<nostr::Filter> fs(pick(3) + 1);
            for (auto& f : fs) f = random_filter();
            model[{conn, sub}] = fs;
            s.add(conn, sub, fs);
        } else if (op < 9) {
            model.erase({conn, sub});
            s.remove(conn, sub);
        } else {
            std::erase_if(model, [&](const auto& kv) { return kv.first.first == conn; });
            s.remove_conn(conn);
        }
        ASSERT_EQ(s.size(), model.size());
        nostr::Event e = event(uint16_t(pick(4)), uint8_t(pick(4)), {{"t", std::string(1, char('a' + pick(4)))}});
        Got want;
        for (const auto& [k, fs] : model)
            if (nostr::matches_any(fs, e)) want.insert(k);
        ASSERT_EQ(deliveries(s, e), want) << "step " << step;
    }
    EXPECT_GT(model.size(), 20u);  // the churn left many subscriptions to check
}

}  // namespace
}  // namespace wsn::relay
