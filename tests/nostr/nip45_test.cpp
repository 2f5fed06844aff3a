// NIP-45 HyperLogLog: offsets and registers worked out by hand from the NIP's text.
#include <gtest/gtest.h>

#include <random>

#include "nostr/message.hpp"
#include "nostr/nip45.hpp"
#include "nostr/parser.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {
namespace {

// A pubkey of zeros but for the given bytes.
crypto::XOnlyPubkey key(std::initializer_list<std::pair<size_t, uint8_t>> bytes) {
    crypto::XOnlyPubkey k;
    for (auto [i, b] : bytes) k.bytes[i] = b;
    return k;
}

Filter with_tag(char name, std::vector<std::string> values, std::vector<uint16_t> kinds = {7}) {
    Filter f;
    f.kinds = std::move(kinds);
    f.tags.push_back(TagFilter{name, std::move(values)});
    f.normalize();
    return f;
}

const std::string kId = "00000000000000000000000000000000" "5" "0000000000000000000000000000000";

TEST(Nip45, OffsetFromHexAddressOrHash) {
    EXPECT_EQ(hll_offset(kId), 5 + 8);  // hex digit 32 is '5'
    std::string pk = "11111111111111111111111111111111" "f" "1111111111111111111111111111111";
    EXPECT_EQ(hll_offset(pk), 15 + 8);
    EXPECT_EQ(hll_offset("30023:" + pk + ":my:article"), 15 + 8);  // an address: its pubkey
    // anything else: sha256("bitcoin") = 6b88c087247aa2f07ee1c5956b8e1a9f 4c7f..., digit 32 is '4'
    EXPECT_EQ(hll_offset("bitcoin"), 4 + 8);
    // uppercase hex is not an id as Nostr writes them: hashed like any other text
    std::string upper = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "A" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    EXPECT_NE(hll_offset(upper), 10 + 8);
}

TEST(Nip45, EligibleFiltersOnly) {
    std::vector<Filter> one{with_tag('e', {kId})};
    EXPECT_EQ(hll_offset(std::span<const Filter>(one)), 13);
    std::vector<Filter> none{Filter{}};
    EXPECT_EQ(hll_offset(std::span<const Filter>(none)), std::nullopt);  // no tag attribute
    std::vector<Filter> two_values{with_tag('e', {kId, "bitcoin"})};
    EXPECT_EQ(hll_offset(std::span<const Filter>(two_values)), std::nullopt);  // "first" item unknown
    Filter two_tags = with_tag('e', {kId});
    two_tags.tags.push_back(TagFilter{'p', {kId}});
    two_tags.normalize();
    EXPECT_EQ(hll_offset(std::span<const Filter>(&two_tags, 1)), std::nullopt);
    std::vector<Filter> same{with_tag('e', {kId}), with_tag('q', {kId}, {1})};
    EXPECT_EQ(hll_offset(std::span<const Filter>(same)), 13);
    std::vector<Filter> differ{with_tag('e', {kId}), with_tag('e', {"bitcoin"})};
    EXPECT_EQ(hll_offset(std::span<const Filter>(differ)), std::nullopt);  // registers would not agree
}

TEST(Nip45, RegistersByHand) {
    Hll h(8);
    // byte 8 = 0x2a: register 42; bytes 9.. = 00 10: 8 + 3 leading zeros, so 12
    h.add(key({{8, 0x2a}, {10, 0x10}}));
    // same register, first bit after it set: 0 zeros, 1 < 12, no change
    h.add(key({{8, 0x2a}, {9, 0x80}}));
    // register 0: 0x01 in byte 9: 7 zeros, so 8
    h.add(key({{9, 0x01}}));
    // register 7, all 56 bits after it zero: 57 (bytes outside offset..offset+7 do not count)
    h.add(key({{8, 0x07}, {16, 0xff}}));
    Hll::Registers want{};
    want[42] = 12;
    want[0] = 8;
    want[7] = 57;
    EXPECT_EQ(h.registers(), want);

    Hll at23(23);  // the largest offset reads bytes 23..30
    at23.add(key({{23, 0xff}, {24, 0x40}, {31, 0xff}}));
    EXPECT_EQ(at23.registers()[255], 2);
}

TEST(Nip45, MergeIsTheUnion) {
    std::mt19937_64 rng(45);
    auto random_key = [&] {
        crypto::XOnlyPubkey k;
        for (auto& b : k.bytes) b = static_cast<uint8_t>(rng());
        return k;
    };
    std::vector<crypto::XOnlyPubkey> keys(3000);
    for (auto& k : keys) k = random_key();
    Hll a(13), b(13), all(13);
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i < 2000) a.add(keys[i]);
        if (i >= 1000) b.add(keys[i]);
        all.add(keys[i]);
    }
    a.merge(b.registers());
    EXPECT_EQ(a.registers(), all.registers());
    // 256 registers: a standard error of about 6.5%
    EXPECT_NEAR(double(all.estimate()), 3000.0, 3000 * 0.2);
    EXPECT_EQ(Hll(13).estimate(), 0u);
    Hll few(13);
    for (int i = 0; i < 10; ++i) few.add(keys[i]);
    EXPECT_NEAR(double(few.estimate()), 10.0, 2.0);  // linear counting for small sets
}

TEST(Nip45, CountAnswerCarriesHexRegisters) {
    RelayCount c{"s", 2, {}, Hll::Registers{}};
    (*c.hll)[0] = 0x0a;
    (*c.hll)[255] = 0x39;
    std::string json = to_json(RelayMessage{c});
    EXPECT_EQ(json, R"(["COUNT","s",{"count":2,"hll":"0a)" + std::string(254 * 2, '0') + R"(39"}])");
    Parser p;
    auto back = p.parse_relay_message(json);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(std::get<RelayCount>(*back).hll, c.hll);
    auto bad = p.parse_relay_message(R"(["COUNT","s",{"count":2,"hll":"0a0b"}])");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("hll must be 512 hex characters"), std::string::npos);
}

}  // namespace
}  // namespace wsn::nostr
