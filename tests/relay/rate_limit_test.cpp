// Token buckets with a fake clock: refill rate, burst, backwards time, memory bounds,
// and the sharded limiter under several threads.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "relay/rate_limit.hpp"

using namespace wsn::relay;

TEST(TokenBucket, StartsFullThenRefillsAtTheRate) {
    RateLimit lim{2, 5};  // 2 per second, burst 5
    TokenBucket b(lim, 100.0);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.try_take(lim, 100.0)) << i;
    EXPECT_FALSE(b.try_take(lim, 100.0));
    EXPECT_FALSE(b.try_take(lim, 100.4));  // 0.8 tokens
    EXPECT_TRUE(b.try_take(lim, 100.5));   // 1 token
    EXPECT_FALSE(b.try_take(lim, 100.5));
    // A long pause refills only up to the burst.
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.try_take(lim, 1000.0)) << i;
    EXPECT_FALSE(b.try_take(lim, 1000.0));
}

TEST(TokenBucket, ClockGoingBackwardsAddsNothing) {
    RateLimit lim{1, 1};
    TokenBucket b(lim, 50.0);
    EXPECT_TRUE(b.try_take(lim, 50.0));
    EXPECT_FALSE(b.try_take(lim, 10.0));
    EXPECT_FALSE(b.try_take(lim, 50.5));  // still measured from 50.0
    EXPECT_TRUE(b.try_take(lim, 51.0));
}

TEST(TokenBucket, CostAndFull) {
    RateLimit lim{10, 10};
    TokenBucket b(lim, 0);
    EXPECT_TRUE(b.full(lim, 0));
    EXPECT_TRUE(b.try_take(lim, 0, 7));
    EXPECT_FALSE(b.try_take(lim, 0, 4));
    EXPECT_FALSE(b.full(lim, 0.5));
    EXPECT_TRUE(b.full(lim, 0.7));
    EXPECT_FALSE(b.try_take(lim, 0.7, 11));  // more than the burst never passes
}

TEST(KeyedBuckets, KeysAreIndependent) {
    KeyedBuckets k(RateLimit{1, 2});
    EXPECT_TRUE(k.allow("1.2.3.4", 0));
    EXPECT_TRUE(k.allow("1.2.3.4", 0));
    EXPECT_FALSE(k.allow("1.2.3.4", 0));
    EXPECT_TRUE(k.allow("5.6.7.8", 0));
    EXPECT_TRUE(k.allow("1.2.3.4", 1.0));
    EXPECT_EQ(k.size(), 2u);
}

TEST(KeyedBuckets, ZeroRateIsUnlimitedAndHoldsNothing) {
    KeyedBuckets k(RateLimit{0, 0});
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(k.allow("k" + std::to_string(i % 3), 0));
    EXPECT_EQ(k.size(), 0u);
}

TEST(KeyedBuckets, RefilledBucketsAreDropped) {
    KeyedBuckets k(RateLimit{1, 1});
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(k.allow("ip" + std::to_string(i), i * 0.001));
    EXPECT_EQ(k.size(), 100u);
    // Two seconds later every bucket is full again; each call sweeps up to two of them.
    for (int i = 0; i < 60; ++i) EXPECT_TRUE(k.allow("fresh", 2.0 + i));
    EXPECT_LE(k.size(), 1u);
}

TEST(KeyedBuckets, MemoryIsCappedByForgettingTheLeastRecentlyUsed) {
    KeyedBuckets k(RateLimit{0.001, 1}, 10);
    EXPECT_TRUE(k.allow("busy", 0));
    EXPECT_FALSE(k.allow("busy", 0));
    for (int i = 0; i < 1000; ++i) {
        k.allow("flood" + std::to_string(i), 0);
        EXPECT_FALSE(k.allow("busy", 0)) << i;  // kept: recently used
        ASSERT_LE(k.size(), 10u);
    }
    EXPECT_EQ(k.size(), 10u);
    // "flood0" was forgotten long ago, so it starts with a full bucket again.
    EXPECT_TRUE(k.allow("flood0", 0));
}

TEST(KeyedBuckets, ResetForgetsAndChangesTheLimit) {
    KeyedBuckets k(RateLimit{1, 1});
    EXPECT_TRUE(k.allow("a", 0));
    EXPECT_FALSE(k.allow("a", 0));
    k.reset(RateLimit{1, 3});
    EXPECT_EQ(k.size(), 0u);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(k.allow("a", 0));
    EXPECT_FALSE(k.allow("a", 0));
}

TEST(RateLimiter, BoundedTotalAndExactUnderThreads) {
    RateLimiter r(RateLimit{1, 100}, 1600);
    std::atomic<int> passed{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < 100; ++i)
                if (r.allow("shared", 0)) ++passed;
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(passed.load(), 100);  // the burst, no more, no less

    for (int i = 0; i < 10000; ++i) r.allow("k" + std::to_string(i), 0);
    EXPECT_LE(r.size(), 1600u);
    r.reset(RateLimit{0, 0});
    EXPECT_EQ(r.size(), 0u);
    EXPECT_TRUE(r.allow("shared", 0));
}
