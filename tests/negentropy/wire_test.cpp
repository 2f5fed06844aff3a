// Negentropy wire format: varints, bounds, messages; every malformed input an error.
#include <gtest/gtest.h>

#include "negentropy/message.hpp"
#include "negentropy/varint.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::negentropy;

namespace {

std::vector<uint8_t> bytes(std::string_view hex) { return *from_hex(hex); }

Result<Message> parse_hex(std::string_view hex, size_t max = 1 << 20) { return parse_message(bytes(hex), max); }

std::string error_of(std::string_view hex, size_t max = 1 << 20) {
    auto m = parse_hex(hex, max);
    return m ? "" : m.error().message;
}

}  // namespace

TEST(NegentropyVarint, EncodesHighGroupFirst) {
    auto enc = [](uint64_t n) { std::string s; append_varint(n, s); return to_hex(as_bytes(s)); };
    EXPECT_EQ(enc(0), "00");
    EXPECT_EQ(enc(127), "7f");
    EXPECT_EQ(enc(128), "8100");
    EXPECT_EQ(enc(300), "822c");
    EXPECT_EQ(enc(UINT64_MAX), "81ffffffffffffffff7f");
}

TEST(NegentropyVarint, RoundTripsAndRejectsBadInput) {
    for (uint64_t n : std::vector<uint64_t>{0, 1, 127, 128, 16383, 16384, uint64_t{1} << 40, UINT64_MAX}) {
        std::string s;
        append_varint(n, s);
        auto in = as_bytes(s);
        auto v = read_varint(in);
        ASSERT_TRUE(v) << n;
        EXPECT_EQ(*v, n);
        EXPECT_TRUE(in.empty());
    }
    auto err_of = [](std::string_view hex) {
        auto b = bytes(hex);
        std::span<const uint8_t> in(b);
        auto v = read_varint(in);
        return v ? "" : v.error().message;
    };
    EXPECT_EQ(err_of(""), "truncated varint");
    EXPECT_EQ(err_of("8080"), "truncated varint");
    EXPECT_EQ(err_of("82ffffffffffffffff7f"), "varint above 64 bits");
    EXPECT_EQ(err_of("80808080808080808080808001"), "varint above 64 bits");
}

TEST(NegentropyMessage, ParsesEveryMode) {
    // Skip up to ts 10; fingerprint up to (ts 12, prefix ab); ids up to infinity.
    std::string fp(32, 'f');
    std::string id(64, '1');
    auto m = parse_hex("61" "0b0000" "0301ab01" + fp + "0000" "0201" + id);
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->ranges.size(), 3u);
    EXPECT_EQ(m->ranges[0].upper.created_at, 10u);
    EXPECT_EQ(m->ranges[0].mode, Mode::skip);
    EXPECT_EQ(m->ranges[1].upper.created_at, 12u);
    EXPECT_EQ(m->ranges[1].upper.prefix_len, 1);
    EXPECT_EQ(m->ranges[1].upper.prefix[0], 0xab);
    EXPECT_EQ(m->ranges[1].mode, Mode::fingerprint);
    EXPECT_EQ(m->ranges[1].fingerprint[15], 0xff);
    EXPECT_EQ(m->ranges[2].upper.created_at, kInfinity);
    ASSERT_EQ(m->ranges[2].ids.size(), 1u);
    EXPECT_EQ(m->ranges[2].ids[0][31], 0x11);
}

TEST(NegentropyMessage, EncoderDeltaEncodesTimestamps) {
    Encoder e = Encoder::message();
    e.bound(Bound{10, 0, {}});
    e.mode(Mode::skip);
    Bound b{12, 1, {}};
    b.prefix[0] = 0xab;
    e.bound(b);
    e.mode(Mode::skip);
    e.bound(Bound::infinity());
    e.mode(Mode::skip);
    EXPECT_EQ(to_hex(as_bytes(std::move(e).take())), "610b0000" "0301ab00" "000000");
}

TEST(NegentropyMessage, OtherVersionsAreReportedNotParsed) {
    auto m = parse_hex("62ffff");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->version, 0x62);
    EXPECT_TRUE(m->ranges.empty());
}

TEST(NegentropyMessage, MalformedInputIsAnError) {
    EXPECT_EQ(error_of(""), "empty negentropy message");
    EXPECT_EQ(error_of("00"), "not a negentropy message (version byte 0x00)");
    EXPECT_EQ(error_of("5f"), "not a negentropy message (version byte 0x5f)");
    EXPECT_EQ(error_of("70"), "not a negentropy message (version byte 0x70)");
    EXPECT_EQ(error_of("6101"), "bound prefix length: truncated varint");
    EXPECT_EQ(error_of("6180"), "bound timestamp: truncated varint");
    EXPECT_EQ(error_of("6100"), "bound prefix length: truncated varint");
    EXPECT_EQ(error_of("610021"), "bound id prefix of 33 bytes (at most 32)");
    EXPECT_EQ(error_of("610002ab"), "truncated bound id prefix");
    EXPECT_EQ(error_of("610000"), "mode: truncated varint");
    EXPECT_EQ(error_of("61000003"), "unknown mode 3");
    EXPECT_EQ(error_of("610000ff7f"), "unknown mode 16383");
    EXPECT_EQ(error_of("61000001abcd"), "truncated fingerprint");
    EXPECT_EQ(error_of("61000002"), "id list count: truncated varint");
    EXPECT_EQ(error_of("6100000201" + std::string(62, '0')), "id list of 1 ids is longer than the message");
    EXPECT_EQ(error_of("61000002ffffffffffffffff7f"), "id list of 9223372036854775807 ids is longer than the message");
    // ts 20 then ts 20 + 0 is in order; a prefix going down at the same ts is not.
    EXPECT_EQ(error_of("61150000" "010000"), "");
    EXPECT_EQ(error_of("611501ff00" "01010000"), "bounds out of order");
    EXPECT_EQ(error_of("61" "0000" "00" "0500" "00"), "");  // after infinity everything is infinity
    EXPECT_EQ(error_of("61" "81ffffffffffffffff7f" "0000" "030000"), "bound timestamp overflows 64 bits");
    EXPECT_EQ(error_of("61" "0b00" "00", 3), "negentropy message of 4 bytes (at most 3)");
}

TEST(NegentropyMessage, EveryTruncationOfAValidMessageFailsOrParses) {
    std::string fp(32, 'f');
    auto full = bytes("61" "0b0000" "0301ab01" + fp + "00000202" + std::string(128, '2'));
    ASSERT_TRUE(parse_message(full, 1 << 20));
    for (size_t n = 0; n < full.size(); ++n) {
        auto m = parse_message(std::span(full).first(n), 1 << 20);
        // Range boundaries give shorter valid messages; anything else names the fault.
        if (!m) {
            EXPECT_FALSE(m.error().message.empty());
        }
    }
}
