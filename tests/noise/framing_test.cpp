// wsn.v1 chunk framing: sizes around the 65519-byte chunk, the chunk layout and its
// associated data, limits checked before decryption, and every kind of damage
// (bit flips in each chunk, truncation, an extra byte, reordering, replay) failing
// with nothing returned and the direction dead afterwards.
#include <gtest/gtest.h>


#include "noise/framing.hpp"

using namespace wsn;
using namespace wsn::noise;

namespace {

crypto::Secret32 bytes32(uint8_t b) {
    std::array<uint8_t, 32> a;
    a.fill(b);
    return crypto::Secret32(a);
}

CipherState cipher() { return CipherState(bytes32(0xc0), bytes32(0x4b)); }

constexpr size_t kNoLimit = size_t(1) << 40;

std::vector<uint8_t> plaintext(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 7 + (i >> 16));
    return v;
}

}  // namespace

TEST(Framing, SizesFollowFromTheLengthAlone) {
    EXPECT_EQ(kMaxChunkSize, 65535u);
    EXPECT_EQ(sealed_size(1), 17u);
    EXPECT_EQ(sealed_size(65519), 65535u);
    EXPECT_EQ(sealed_size(65520), 65535u + 17);
    EXPECT_EQ(sealed_size(131038), 2 * 65535u);
    EXPECT_EQ(sealed_size(131039), 2 * 65535u + 17);

    for (size_t n = 0; n <= 16; ++n) EXPECT_FALSE(opened_size(n)) << n;
    EXPECT_EQ(opened_size(17), 1u);
    EXPECT_EQ(opened_size(65535), 65519u);
    for (size_t n = 65536; n <= 65535 + 16; ++n) EXPECT_FALSE(opened_size(n)) << n;
    EXPECT_EQ(opened_size(65535 + 17), 65520u);
    for (size_t p : {1, 2, 65518, 65519, 65520, 131038, 131039, 1000000}) EXPECT_EQ(opened_size(sealed_size(p)), p);
}

TEST(Framing, RoundTripsAroundChunkBoundaries) {
    Sealer s(cipher());
    Opener o(cipher(), kNoLimit);
    uint64_t nonces = 0;
    for (size_t n : {1, 65519, 65520, 131038, 131039, 1000000}) {
        SCOPED_TRACE(n);
        auto p = plaintext(n);
        auto sealed = s.seal(p);
        ASSERT_TRUE(sealed.ok());
        EXPECT_EQ(sealed->size(), sealed_size(n));
        nonces += (n + kMaxChunkPlaintext - 1) / kMaxChunkPlaintext;  // one nonce per chunk
        EXPECT_EQ(s.cipher().nonce(), nonces);
        auto opened = o.open(*sealed);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        EXPECT_EQ(*opened, p);
        EXPECT_EQ(o.cipher().nonce(), nonces);
    }
}

TEST(Framing, ChunksCarryTheirPositionAsAssociatedData) {
    // Decrypts the chunks by hand, following the spec rather than the Opener.
    Sealer s(cipher());
    auto p = plaintext(65519 + 100);
    auto sealed = *s.seal(p);
    ASSERT_EQ(sealed.size(), 65535u + 116);
    CipherState c = cipher();
    std::vector<uint8_t> first(65519), last(100);
    const uint8_t more = 0x00, end = 0x01;
    EXPECT_FALSE(CipherState(cipher()).decrypt({&end, 1}, std::span(sealed).first(65535), first));
    ASSERT_TRUE(c.decrypt({&more, 1}, std::span(sealed).first(65535), first));
    ASSERT_TRUE(c.decrypt({&end, 1}, std::span(sealed).subspan(65535), last));
    EXPECT_TRUE(std::equal(first.begin(), first.end(), p.begin()));
    EXPECT_TRUE(std::equal(last.begin(), last.end(), p.begin() + 65519));
}

TEST(Framing, EmptyPlaintextIsRefused) {
    Sealer s(cipher());
    auto r = s.seal({});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(s.cipher().nonce(), 0u);  // no nonce used
    // A payload that could only hold an empty plaintext: a bare 16-byte tag.
    Opener o(cipher(), kNoLimit);
    EXPECT_FALSE(o.open(std::vector<uint8_t>(16)).ok());
    EXPECT_EQ(o.fault(), OpenFault::bad_length);
    EXPECT_FALSE(Opener(cipher(), kNoLimit).open({}).ok());
}

TEST(Framing, SizeLimitIsCheckedBeforeDecrypting) {
    Sealer s(cipher());
    auto exact = *s.seal(plaintext(1000));
    auto over = *s.seal(plaintext(1001));
    Opener o(cipher(), 1000);
    EXPECT_TRUE(o.open(exact).ok());
    auto r = o.open(over);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(o.fault(), OpenFault::too_big);
    EXPECT_EQ(o.cipher().nonce(), 1u);  // the oversize payload was not decrypted
    EXPECT_NE(r.error().message.find("1001"), std::string::npos);

    // A huge garbage payload is refused by its length, without decrypting it.
    Opener small(cipher(), 1 << 20);
    EXPECT_FALSE(small.open(std::vector<uint8_t>(8 << 20)).ok());
    EXPECT_EQ(small.fault(), OpenFault::too_big);
}

TEST(Framing, AnyFlippedBitFailsAndYieldsNothing) {
    Sealer s(cipher());
    auto p = plaintext(2 * 65519 + 100);  // chunks of 65535, 65535 and 116 bytes
    auto sealed = *s.seal(p);
    ASSERT_EQ(sealed.size(), 2 * 65535u + 116);
    // In each chunk: first byte, middle, last plaintext byte, first and last tag byte.
    std::vector<size_t> positions;
    for (size_t start : {size_t(0), size_t(65535), size_t(131070)}) {
        size_t len = std::min<size_t>(65535, sealed.size() - start);
        for (size_t off : {size_t(0), len / 2, len - 17, len - 16, len - 1}) positions.push_back(start + off);
    }
    for (size_t pos : positions) {
        for (int bit : {0, 7}) {
            auto bad = sealed;
            bad[pos] ^= uint8_t(1 << bit);
            Opener o(cipher(), kNoLimit);
            auto r = o.open(bad);
            ASSERT_FALSE(r.ok()) << "byte " << pos;
            EXPECT_EQ(o.fault(), OpenFault::bad_mac) << "byte " << pos;
            // Failed for good: even the genuine payload no longer opens.
            EXPECT_FALSE(o.open(sealed).ok());
            EXPECT_EQ(o.fault(), OpenFault::bad_mac);
        }
    }
    EXPECT_TRUE(Opener(cipher(), kNoLimit).open(sealed).ok());
}

TEST(Framing, TruncationOrAnExtraByteFails) {
    Sealer s(cipher());
    auto sealed = *s.seal(plaintext(2 * 65519 + 100));
    // Cut at each chunk boundary: the last chunk present is marked "more", so it fails.
    for (size_t n : {size_t(65535), size_t(131070)}) {
        Opener o(cipher(), kNoLimit);
        EXPECT_FALSE(o.open(std::span(sealed).first(n)).ok()) << n;
        EXPECT_EQ(o.fault(), OpenFault::bad_mac);
    }
    // Cut inside a chunk, or one byte added.
    for (size_t n : {size_t(1), size_t(16), size_t(17), size_t(65534), size_t(65536), size_t(131069),
                     sealed.size() - 1}) {
        Opener o(cipher(), kNoLimit);
        EXPECT_FALSE(o.open(std::span(sealed).first(n)).ok()) << n;
    }
    auto longer = sealed;
    longer.push_back(0);
    Opener o(cipher(), kNoLimit);
    EXPECT_FALSE(o.open(longer).ok());
}

TEST(Framing, ReorderedOrReplayedMessagesFail) {
    Sealer s(cipher());
    auto m1 = *s.seal(plaintext(10));
    auto m2 = *s.seal(plaintext(20));
    {
        Opener o(cipher(), kNoLimit);
        EXPECT_FALSE(o.open(m2).ok());
        EXPECT_FALSE(o.open(m1).ok());  // failed for good
    }
    {
        Opener o(cipher(), kNoLimit);
        EXPECT_TRUE(o.open(m1).ok());
        EXPECT_FALSE(o.open(m1).ok());  // replay
    }
}

TEST(Framing, NoncesAcrossTheRotation) {
    Sealer s(cipher());
    Opener o(cipher(), kNoLimit);
    auto one = plaintext(1);
    for (int i = 0; i < 998; ++i) ASSERT_TRUE(o.open(*s.seal(one)).ok());
    ASSERT_EQ(s.cipher().nonce(), 998u);
    // Nonces 998, 999, then the rotated key's 0, 1, 2.
    const uint64_t want_after[] = {999, 0, 1, 2, 3};
    for (uint64_t after : want_after) {
        auto sealed = *s.seal(one);
        EXPECT_EQ(s.cipher().nonce(), after);
        auto r = o.open(sealed);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(*r, one);
        EXPECT_EQ(o.cipher().nonce(), after);
    }
    EXPECT_FALSE(std::equal(s.cipher().key().span().begin(), s.cipher().key().span().end(),
                            cipher().key().span().begin()));
}

TEST(Framing, RotationInsideAMultiChunkMessage) {
    Sealer s(cipher());
    Opener o(cipher(), kNoLimit);
    auto one = plaintext(1);
    for (int i = 0; i < 998; ++i) ASSERT_TRUE(o.open(*s.seal(one)).ok());
    // Four chunks use nonces 998, 999, then 0 and 1 of the rotated key.
    auto p = plaintext(3 * 65519 + 5);
    auto sealed = *s.seal(p);
    EXPECT_EQ(s.cipher().nonce(), 2u);
    auto r = o.open(sealed);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, p);
    EXPECT_EQ(o.cipher().nonce(), 2u);
    // And the rotated keys go on working.
    EXPECT_EQ(*o.open(*s.seal(one)), one);
}
