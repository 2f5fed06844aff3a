// Queries against a brute-force model: every index, limits, since/until, tag
// filters with repeated and long values, multi-filter merges, and sliced runs.
#include <algorithm>
#include <random>
#include <set>

#include "fixture.hpp"
#include "util/hex.hpp"

namespace wsn::store::test {
namespace {

const std::vector<uint16_t> kKinds = {1, 4, 7, 1111};
const std::vector<std::string> kWords = {"nostr", "wsn", "relay", std::string(100, 'x'), std::string(100, 'y')};

std::string random_hex_id(std::mt19937& rng) {
    nostr::Id id;
    for (auto& b : id) b = uint8_t(rng());
    return to_hex(id);
}

class QueryModelTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        std::mt19937 rng(7);
        for (int i = 0; i < 5; ++i) e_values_.push_back(random_hex_id(rng));
        std::vector<nostr::Event> batch;
        for (int i = 0; i < 400; ++i) {
            std::vector<nostr::Tag> tags;
            if (rng() % 2) tags.push_back({"e", e_values_[rng() % e_values_.size()]});
            if (rng() % 3 == 0) tags.push_back({"p", key(rng() % 4).xonly_pubkey().hex()});
            int words = rng() % 3;
            for (int w = 0; w < words; ++w) tags.push_back({"t", kWords[rng() % kWords.size()]});
            if (rng() % 5 == 0) tags.push_back({"t", kWords[0]});  // repeated tag and value
            if (rng() % 7 == 0) tags.push_back({"expiration", std::to_string(kNow + 1 + rng() % 100)});
            tags.push_back({"client", "not indexed"});
            // A narrow time range so many events share a created_at.
            events_.push_back(make(rng() % 4, kNow - 60 + rng() % 60, kKinds[rng() % kKinds.size()], tags,
                                   "n" + std::to_string(i)));
            batch.push_back(events_.back());
            if (batch.size() == 50) {
                for (auto o : put_all(batch)) ASSERT_EQ(o, WriteOutcome::stored);
                batch.clear();
            }
        }
    }

    // What the query must send: each filter's newest `limit` matches, merged newest
    // first (ties: later insertion first), each event once. Expired ones skipped.
    std::vector<std::string> expected(const std::vector<nostr::Filter>& filters, int64_t now, uint64_t max_limit) {
        std::set<size_t> chosen;
        for (const auto& f : filters) {
            std::vector<size_t> m;
            for (size_t i = 0; i < events_.size(); ++i) {
                auto exp = nostr::first_tag_value(events_[i], "expiration");
                if (exp && std::stoll(std::string(*exp)) <= now) continue;
                if (f.matches(events_[i])) m.push_back(i);
            }
            std::sort(m.begin(), m.end(), [&](size_t a, size_t b) { return newer(a, b); });
            m.resize(std::min<size_t>(m.size(), std::min(f.limit.value_or(max_limit), max_limit)));
            chosen.insert(m.begin(), m.end());
        }
        std::vector<size_t> order(chosen.begin(), chosen.end());
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return newer(a, b); });
        std::vector<std::string> out;
        for (size_t i : order) out.push_back(hex_id(events_[i]));
        return out;
    }

    bool newer(size_t a, size_t b) const {
        if (events_[a].created_at != events_[b].created_at) return events_[a].created_at > events_[b].created_at;
        return a > b;
    }

    nostr::Filter random_filter(std::mt19937& rng) {
        nostr::Filter f;
        auto pick = [&](int percent) { return int(rng() % 100) < percent; };
        if (pick(10)) {
            f.ids.emplace();
            for (int n = 1 + rng() % 6; n > 0; --n) f.ids->push_back(events_[rng() % events_.size()].id);
            f.ids->push_back(*from_hex_fixed<32>(random_hex_id(rng)));  // not stored
        }
        if (pick(40)) {
            f.authors.emplace();
            for (int n = 1 + rng() % 3; n > 0; --n) f.authors->push_back(key(rng() % 4).xonly_pubkey());
        }
        if (pick(40)) {
            f.kinds.emplace();
            for (int n = 1 + rng() % 2; n > 0; --n) f.kinds->push_back(kKinds[rng() % kKinds.size()]);
        }
        if (pick(35)) f.tags.push_back({'e', {e_values_[rng() % 5], e_values_[rng() % 5]}});
        if (pick(20)) f.tags.push_back({'p', {key(rng() % 4).xonly_pubkey().hex()}});
        if (pick(35)) f.tags.push_back({'t', {kWords[rng() % kWords.size()]}});
        if (pick(40)) f.since = kNow - 60 + rng() % 60;
        if (pick(40)) f.until = kNow - 60 + rng() % 60;
        if (pick(60)) f.limit = rng() % 25;
        f.normalize();
        return f;
    }

    std::vector<nostr::Event> events_;
    std::vector<std::string> e_values_;
};

TEST_P(QueryModelTest, EachIndexAnswersNewestFirst) {
    nostr::Filter by_ids = ids_filter({&events_[3], &events_[100], &events_[399]});
    nostr::Filter by_pubkey_kind;
    by_pubkey_kind.authors = {key(0).xonly_pubkey(), key(1).xonly_pubkey()};
    by_pubkey_kind.kinds = {1, 7};
    nostr::Filter by_tag;
    by_tag.tags = {{'t', {kWords[3], kWords[0]}}};  // a long (hashed) value and a short one
    nostr::Filter by_pubkey;
    by_pubkey.authors = {key(2).xonly_pubkey()};
    nostr::Filter by_kind;
    by_kind.kinds = {4};
    nostr::Filter scan;
    for (nostr::Filter f : {by_ids, by_pubkey_kind, by_tag, by_pubkey, by_kind, scan}) {
        f.normalize();
        auto want = expected({f}, kNow, 500);
        EXPECT_GT(want.size(), 2u) << nostr::to_json(f);
        EXPECT_EQ(query(f), want) << nostr::to_json(f);
    }
}

TEST_P(QueryModelTest, LimitAndMaxLimit) {
    nostr::Filter f;
    f.kinds = {1};
    f.limit = 5;
    EXPECT_EQ(query({f}).size(), 5u);
    EXPECT_EQ(query({f}), expected({f}, kNow, 500));
    f.limit = 0;
    EXPECT_TRUE(query({f}).empty());
    f.limit.reset();
    EXPECT_EQ(query({f}, kUnbounded, kNow, 3), expected({f}, kNow, 3));
    EXPECT_EQ(query({f}, kUnbounded, kNow, 3).size(), 3u);
}

TEST_P(QueryModelTest, SinceUntilBounds) {
    nostr::Filter f;
    f.since = kNow - 30;
    f.until = kNow - 20;
    auto got = query(f);
    EXPECT_EQ(got, expected({f}, kNow, 500));
    EXPECT_FALSE(got.empty());
    f.since = kNow;  // after until
    EXPECT_TRUE(query(f).empty());
    f.since = -5;
    f.until = int64_t(1) << 40;  // beyond what created_at can hold
    EXPECT_EQ(query(f), expected({f}, kNow, 500));
}

TEST_P(QueryModelTest, EmptyListsMatchNothing) {
    nostr::Filter f;
    f.authors.emplace();
    EXPECT_TRUE(query(f).empty());
    nostr::Filter t;
    t.tags = {{'e', {}}};
    EXPECT_TRUE(query(t).empty());
}

TEST_P(QueryModelTest, MergesFiltersWithoutDuplicates) {
    nostr::Filter a, b;
    a.kinds = {1, 7};
    a.limit = 40;
    b.authors = {key(0).xonly_pubkey()};
    b.limit = 40;
    auto got = query({a, b});
    EXPECT_EQ(got, expected({a, b}, kNow, 500));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
    EXPECT_EQ(query({a, a}), query({a}));
}

TEST_P(QueryModelTest, ExpiredEventsAreSkippedAtReadTime) {
    nostr::Filter all;
    auto now_list = query({all}, kUnbounded, kNow, 1000);
    auto later_list = query({all}, kUnbounded, kNow + 50, 1000);
    EXPECT_LT(later_list.size(), now_list.size());
    EXPECT_EQ(later_list, expected({all}, kNow + 50, 1000));
}

TEST_P(QueryModelTest, RandomFiltersMatchModel) {
    std::mt19937 rng(42);
    for (int round = 0; round < 300; ++round) {
        std::vector<nostr::Filter> filters;
        for (int n = 1 + rng() % 3; n > 0; --n) filters.push_back(random_filter(rng));
        std::string desc;
        for (const auto& f : filters) desc += nostr::to_json(f) + " ";
        auto want = expected(filters, kNow, 500);
        ASSERT_EQ(query(filters), want) << desc;
        ASSERT_EQ(count(filters), [&] {
            auto unlimited = filters;
            for (auto& f : unlimited) f.limit.reset();
            return expected(unlimited, kNow, kUnbounded).size();
        }()) << desc;
    }
}

// Filters whose index keys hold every condition are counted from the keys alone
// (store.hpp); the counts must still skip expired events and equal the query's size.
TEST_P(QueryModelTest, CountsFromIndexKeysMatchTheModel) {
    std::mt19937 rng(11);
    for (int round = 0; round < 300; ++round) {
        nostr::Filter f;
        switch (round % 6) {
            case 0:
                f.authors = {key(rng() % 4).xonly_pubkey(), key(rng() % 4).xonly_pubkey()};
                f.kinds = {kKinds[rng() % kKinds.size()], kKinds[rng() % kKinds.size()]};
                break;
            case 1: f.tags.push_back({'t', {kWords[rng() % 3], kWords[rng() % 3]}}); break;  // repeated values
            case 2: f.tags.push_back({'e', {e_values_[rng() % 5], e_values_[rng() % 5]}}); break;
            case 3: f.authors = {key(rng() % 4).xonly_pubkey()}; break;
            case 4: f.kinds = {kKinds[rng() % kKinds.size()]}; break;
            default: break;  // created_at scan
        }
        if (rng() % 2) f.since = kNow - 60 + rng() % 60;
        if (rng() % 2) f.until = kNow - 60 + rng() % 60;
        f.normalize();
        int64_t now = kNow + int64_t(rng() % 120);  // some events have expired
        auto want = expected({f}, now, kUnbounded).size();
        ASSERT_EQ(count({f}, now), want) << nostr::to_json(f) << " at " << now;
        ASSERT_EQ(query({f}, kUnbounded, now, kUnbounded).size(), want);
        // two exact filters overlap: each event counted once
        nostr::Filter g;
        g.kinds = {kKinds[rng() % kKinds.size()]};
        ASSERT_EQ(count({f, g}, now), expected({f, g}, now, kUnbounded).size()) << nostr::to_json(f);
    }
}

TEST_P(QueryModelTest, SlicedRunsGiveTheSameResults) {
    std::mt19937 rng(9);
    for (int round = 0; round < 100; ++round) {
        std::vector<nostr::Filter> filters;
        for (int n = 1 + rng() % 3; n > 0; --n) filters.push_back(random_filter(rng));
        auto whole = query(filters);
        for (uint64_t budget : {1, 2, 3, 7}) ASSERT_EQ(query(filters, budget), whole) << nostr::to_json(filters[0]);
    }
}

// A reader that pauses the query (emit returns false, as the relay does when a
// connection's send queue is full) gets the same events, each once, in the same order.
TEST_P(QueryModelTest, PausedRunsGiveTheSameResults) {
    std::mt19937 rng(11);
    for (int round = 0; round < 60; ++round) {
        std::vector<nostr::Filter> filters;
        for (int n = 1 + rng() % 3; n > 0; --n) filters.push_back(random_filter(rng));
        auto whole = query(filters);
        for (size_t every : {1, 2, 5}) {
            auto q = store_->query(filters, 500, kNow);
            std::vector<std::string> got;
            size_t pauses = 0;
            for (int steps = 0; steps < 100'000; ++steps) {
                bool paused = false;
                bool done = q->step(kUnbounded, [&](const StoredEvent& ev) {
                    got.push_back(nostr::id_hex(ev.id));
                    paused = got.size() % every == 0;
                    return !paused;
                });
                if (done) break;
                ASSERT_TRUE(paused) << "an unbounded step ends only when emit pauses it";
                ++pauses;
                if (steps % 2) q->release();
            }
            ASSERT_EQ(got, whole) << nostr::to_json(filters[0]) << " pausing every " << every;
            if (every == 1) {
                ASSERT_EQ(pauses, whole.size());
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryModelTest, ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);

}  // namespace
}  // namespace wsn::store::test
