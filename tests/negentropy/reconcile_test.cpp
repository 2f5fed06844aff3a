// Two reconcilers in memory, sets of 0 to 200,000 ids: the initiator's have/need equal the
// true set difference, every message stays under the frame size, and bad messages end it.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "negentropy/reconciler.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::negentropy;

namespace {

std::vector<Item> random_items(size_t n, uint64_t seed, uint64_t time_span) {
    std::mt19937_64 rng(seed);
    std::vector<Item> items(n);
    for (auto& it : items) {
        it.created_at = 1'700'000'000 + rng() % time_span;
        for (size_t k = 0; k < 4; ++k) {
            uint64_t r = rng();
            for (size_t i = 0; i < 8; ++i) it.id[8 * k + i] = static_cast<uint8_t>(r >> (8 * i));
        }
    }
    return items;
}

std::vector<Id> ids_of(const std::vector<Item>& items) {
    std::vector<Id> ids;
    for (const auto& it : items) ids.push_back(it.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

struct Outcome {
    std::vector<Id> have, need;
    size_t rounds = 0;
    size_t largest = 0;
};

Outcome reconcile(const std::vector<Item>& ours, const std::vector<Item>& theirs, Limits limits) {
    ItemSet a(ours), b(theirs);
    Reconciler initiator(a, limits), responder(b, limits);
    Outcome out;
    std::string msg = initiator.initiate();
    for (;;) {
        out.largest = std::max(out.largest, msg.size());
        auto answer = responder.reconcile(as_bytes(msg));
        EXPECT_TRUE(answer) << answer.error().message;
        if (!answer) break;
        out.largest = std::max(out.largest, answer->reply.size());
        auto step = initiator.reconcile(as_bytes(answer->reply));
        EXPECT_TRUE(step) << step.error().message;
        if (!step) break;
        ++out.rounds;
        out.have.insert(out.have.end(), step->have.begin(), step->have.end());
        out.need.insert(out.need.end(), step->need.begin(), step->need.end());
        if (step->done) break;
        msg = std::move(step->reply);
        EXPECT_LT(out.rounds, 10'000u);
        if (out.rounds >= 10'000u) break;
    }
    std::sort(out.have.begin(), out.have.end());
    std::sort(out.need.begin(), out.need.end());
    return out;
}

// Splits `pool` into the two sides: shared items on both, a-only and b-only items.
void check(const std::vector<Item>& shared, const std::vector<Item>& only_a, const std::vector<Item>& only_b,
           Limits limits = {}) {
    std::vector<Item> a = shared, b = shared;
    a.insert(a.end(), only_a.begin(), only_a.end());
    b.insert(b.end(), only_b.begin(), only_b.end());
    auto out = reconcile(a, b, limits);
    // Sizes first: a failure prints counts, not 200,000 ids.
    auto want_have = ids_of(only_a), want_need = ids_of(only_b);
    ASSERT_EQ(out.have.size(), want_have.size()) << shared.size() << " " << only_a.size() << " " << only_b.size() << " rounds " << out.rounds << " have " << out.have.size() << " need " << out.need.size() << " largest " << out.largest;
    ASSERT_EQ(out.need.size(), want_need.size());
    EXPECT_TRUE(out.have == want_have);
    EXPECT_TRUE(out.need == want_need);
    if (limits.frame_size) {
        EXPECT_LE(out.largest, limits.frame_size);
    }
}

std::vector<Item> slice(const std::vector<Item>& v, size_t begin, size_t end) {
    return {v.begin() + static_cast<ptrdiff_t>(begin), v.begin() + static_cast<ptrdiff_t>(end)};
}

}  // namespace

TEST(NegentropyReconcile, EqualSets) {
    for (size_t n : {0, 1, 31, 32, 33, 1000, 200'000}) {
        auto items = random_items(n, n, 1'000'000);
        auto out = reconcile(items, items, {});
        EXPECT_TRUE(out.have.empty());
        EXPECT_TRUE(out.need.empty());
        EXPECT_EQ(out.rounds, 1u) << n;  // one answer: every fingerprint matches
    }
}

TEST(NegentropyReconcile, DisjointSets) {
    for (size_t n : {1, 2, 40, 5000, 200'000}) {
        auto pool = random_items(2 * n, 100 + n, 1'000'000);
        check({}, slice(pool, 0, n), slice(pool, n, 2 * n), Limits{60'000, 1'000'000});
    }
    auto pool = random_items(1000, 9, 1000);
    check({}, pool, {});
    check({}, {}, pool);
}

TEST(NegentropyReconcile, OneOff) {
    for (size_t n : {1, 32, 10'000, 200'000}) {
        auto pool = random_items(n + 1, 200 + n, 1'000'000);
        auto shared = slice(pool, 0, n);
        check(shared, {pool[n]}, {});
        check(shared, {}, {pool[n]});
    }
}

TEST(NegentropyReconcile, RandomOverlap) {
    std::mt19937_64 rng(42);
    for (size_t n : {100, 3000, 50'000, 200'000}) {
        // Many items per second too, so bounds need id prefixes.
        auto pool = random_items(n, 300 + n, n / 10 + 1);
        std::vector<Item> shared, a, b;
        for (const auto& it : pool) {
            auto r = rng() % 100;
            (r < 90 ? shared : r < 95 ? a : b).push_back(it);
        }
        check(shared, a, b, Limits{4096, 1'000'000});
    }
}

TEST(NegentropyReconcile, SmallFramesStayUnderTheLimit) {
    auto pool = random_items(40'000, 5, 100);
    check(slice(pool, 0, 10'000), slice(pool, 10'000, 25'000), slice(pool, 25'000, 40'000), Limits{4096, 1'000'000});
}

TEST(NegentropyReconcile, ResponderAnswersAnotherVersionWithOurs) {
    ItemSet set;
    Reconciler responder(set, {});
    auto r = responder.reconcile(*from_hex("62"));
    ASSERT_TRUE(r);
    EXPECT_EQ(to_hex(as_bytes(r->reply)), "61");
    Reconciler initiator(set, {});
    (void)initiator.initiate();
    auto i = initiator.reconcile(*from_hex("62"));
    ASSERT_FALSE(i);
    EXPECT_EQ(i.error().message, "the peer speaks negentropy version 2 only");
}

TEST(NegentropyReconcile, MalformedMessagesAreErrors) {
    ItemSet set(random_items(100, 1, 10));
    for (std::string_view hex : {"", "00", "ff", "6180", "610021", "61000003", "61000001ab", "611501ff0001010000"}) {
        Reconciler responder(set, {});
        auto r = responder.reconcile(*from_hex(hex));
        EXPECT_FALSE(r) << hex;
    }
    Reconciler small(set, Limits{4096, 10});
    auto r = small.reconcile(*from_hex("6100000100000000000000000000000000000000"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "negentropy message of 20 bytes (at most 10)");
}
