// Fingerprints: the sum of ids mod 2^256, the count, SHA-256; prefix sums agree with sums.
#include <gtest/gtest.h>

#include <random>

#include "crypto/hash.hpp"
#include "negentropy/items.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::negentropy;

TEST(NegentropyFingerprint, EmptyIsTheHashOfZeroAndCountZero) {
    std::array<uint8_t, 33> zero{};
    auto h = crypto::sha256(std::span<const uint8_t>(zero));
    EXPECT_EQ(to_hex(ItemSet().fingerprint(0, 0)), to_hex(std::span(h).first(16)));
}

TEST(NegentropyFingerprint, SumIsLittleEndianModulo2To256) {
    // 0xff..ff + 0x01 00..00 (little-endian 1) = 0 mod 2^256, count 2.
    Id all_ones;
    all_ones.fill(0xff);
    Id one{};
    one[0] = 1;
    IdSum s;
    s.add(all_ones);
    s.add(one);
    std::array<uint8_t, 33> expect{};
    expect[32] = 2;
    auto h = crypto::sha256(std::span<const uint8_t>(expect));
    EXPECT_EQ(to_hex(s.fingerprint(2)), to_hex(std::span(h).first(16)));
    // Carry crosses every limb: 0x..ff ff (low 31 bytes ff) + 1 = 2^248.
    Id low{};
    for (int i = 0; i < 31; ++i) low[i] = 0xff;
    IdSum c;
    c.add(low);
    c.add(one);
    std::array<uint8_t, 33> e2{};
    e2[31] = 1;
    e2[32] = 2;
    auto h2 = crypto::sha256(std::span<const uint8_t>(e2));
    EXPECT_EQ(to_hex(c.fingerprint(2)), to_hex(std::span(h2).first(16)));
}

TEST(NegentropyItemSet, RangeFingerprintsEqualDirectSums) {
    std::mt19937_64 rng(7);
    std::vector<Item> items(500);
    for (auto& it : items) {
        it.created_at = rng() % 50;
        for (auto& b : it.id) b = static_cast<uint8_t>(rng());
    }
    items.push_back(items[3]);  // a duplicate is dropped
    ItemSet set(items);
    ASSERT_EQ(set.size(), 500u);
    for (size_t i = 1; i < set.size(); ++i) ASSERT_LT(set[i - 1], set[i]);
    for (size_t begin : {0, 1, 17, 250}) {
        for (size_t end : {250, 499, 500}) {
            IdSum s;
            for (size_t i = begin; i < end; ++i) s.add(set[i].id);
            EXPECT_EQ(set.fingerprint(begin, end), s.fingerprint(end - begin));
        }
    }
}

TEST(NegentropyItemSet, BoundsCutBetweenNeighbours) {
    Item a{5, {}}, b{5, {}}, c{6, {}};
    a.id[0] = 0x12; a.id[1] = 0x30;
    b.id[0] = 0x12; b.id[1] = 0x40;
    ItemSet set({a, b, c});
    Bound ab = Bound::between(a, b);
    EXPECT_EQ(ab.created_at, 5u);
    EXPECT_EQ(ab.prefix_len, 2);
    EXPECT_EQ(set.lower_bound(0, ab), 1u);
    Bound bc = Bound::between(b, c);
    EXPECT_EQ(bc.created_at, 6u);
    EXPECT_EQ(bc.prefix_len, 0);
    EXPECT_EQ(set.lower_bound(0, bc), 2u);
    EXPECT_EQ(set.lower_bound(0, Bound::infinity()), 3u);
    EXPECT_EQ(set.lower_bound(0, Bound{}), 0u);
}
