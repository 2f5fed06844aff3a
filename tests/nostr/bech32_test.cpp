// Bech32/Bech32m against the BIP-173 and BIP-350 vectors in ../shared/vectors/bech32.json,
// plus the BIP-350 segwit address rules on top (witness version and program length).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "nostr/bech32.hpp"
#include "support/vectors.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {
namespace {

using test::load_json;
using test::unhex;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// The exact bytes of a vector (some contain bytes that are not printable).
std::string vector_bytes(simdjson::dom::element v) {
    auto b = unhex(std::string_view(v["bytes_hex"]));
    return std::string(b.begin(), b.end());
}

void check_valid(const char* list, Bech32Variant variant) {
    auto f = load_json("bech32.json");
    size_t n = 0;
    for (auto v : f->root[list].get_array()) {
        std::string s = vector_bytes(v);
        SCOPED_TRACE(s);
        auto d = bech32_decode(s);
        ASSERT_TRUE(d.ok()) << d.error().message;
        EXPECT_EQ(d->variant, variant);
        EXPECT_EQ(bech32_encode(d->hrp, d->values, variant), lower(s));
        // One changed data character always breaks the checksum (BCH distance >= 2).
        std::string flipped = lower(s);
        char& last = flipped.back();
        last = last == 'q' ? 'p' : 'q';
        EXPECT_FALSE(bech32_decode(flipped).ok());
        ++n;
    }
    EXPECT_EQ(n, 7u);
}

// The vector's reason, mapped to the start of our error message.
const std::map<std::string, std::vector<std::string>> kReasonToError = {
    {"HRP character out of range", {"character out of range"}},
    {"overall max length exceeded", {"too long"}},
    {"No separator character", {"missing separator"}},
    {"Empty HRP", {"empty human-readable part"}},
    {"empty HRP", {"empty human-readable part"}},
    {"Invalid data character", {"invalid character"}},
    {"Too short checksum", {"checksum too short"}},
    {"Invalid character in checksum", {"invalid character", "character out of range"}},
    {"checksum calculated with uppercase form of HRP", {"bad checksum"}},
};

void check_invalid(const char* list, size_t expected_count) {
    auto f = load_json("bech32.json");
    size_t n = 0;
    for (auto v : f->root[list].get_array()) {
        std::string s = vector_bytes(v);
        std::string reason{std::string_view(v["reason"])};
        SCOPED_TRACE(std::string(std::string_view(v["display"])) + " / " + reason);
        auto d = bech32_decode(s);
        ASSERT_FALSE(d.ok());
        auto it = kReasonToError.find(reason);
        ASSERT_NE(it, kReasonToError.end()) << "unmapped reason";
        bool matched = std::any_of(it->second.begin(), it->second.end(),
                                   [&](const std::string& e) { return d.error().message.starts_with(e); });
        EXPECT_TRUE(matched) << d.error().message;
        // Only BIP-173's 90-character limit makes these invalid: NIP-19's 5000 accepts them.
        if (reason == "overall max length exceeded") {
            EXPECT_TRUE(bech32_decode(s, kNip19MaxLength).ok());
        }
        ++n;
    }
    EXPECT_EQ(n, expected_count);
}

TEST(Bech32, ValidBech32Vectors) { check_valid("bech32_valid", Bech32Variant::bech32); }
TEST(Bech32, ValidBech32mVectors) { check_valid("bech32m_valid", Bech32Variant::bech32m); }
TEST(Bech32, InvalidBech32Vectors) { check_invalid("bech32_invalid", 12); }
TEST(Bech32, InvalidBech32mVectors) { check_invalid("bech32m_invalid", 14); }

// BIP-350 segwit address decoding, as its reference code does it.
struct Segwit {
    int version;
    std::vector<uint8_t> program;
};
std::optional<Segwit> decode_segwit(std::string_view hrp, std::string_view addr) {
    auto d = bech32_decode(addr);
    if (!d || d->hrp != hrp || d->values.empty() || d->values[0] > 16) return std::nullopt;
    auto program = fives_to_bytes(std::span(d->values).subspan(1));
    if (!program || program->size() < 2 || program->size() > 40) return std::nullopt;
    int version = d->values[0];
    if (version == 0 && program->size() != 20 && program->size() != 32) return std::nullopt;
    if ((version == 0) != (d->variant == Bech32Variant::bech32)) return std::nullopt;
    return Segwit{version, std::move(*program)};
}

TEST(Bech32, SegwitValidVectors) {
    auto f = load_json("bech32.json");
    size_t n = 0;
    for (auto v : f->root["segwit_valid_bip350"].get_array()) {
        std::string s = vector_bytes(v);
        SCOPED_TRACE(s);
        std::string hrp = lower(s.substr(0, 2));
        auto w = decode_segwit(hrp, s);
        ASSERT_TRUE(w.has_value());
        std::vector<uint8_t> script{static_cast<uint8_t>(w->version ? w->version + 0x50 : 0),
                                    static_cast<uint8_t>(w->program.size())};
        script.insert(script.end(), w->program.begin(), w->program.end());
        EXPECT_EQ(to_hex(script), std::string_view(v["scriptpubkey_hex"]));
        std::vector<uint8_t> values{static_cast<uint8_t>(w->version)};
        auto fives = bytes_to_fives(w->program);
        values.insert(values.end(), fives.begin(), fives.end());
        EXPECT_EQ(bech32_encode(hrp, values, w->version ? Bech32Variant::bech32m : Bech32Variant::bech32), lower(s));
        ++n;
    }
    EXPECT_EQ(n, 8u);
}

TEST(Bech32, SegwitInvalidVectors) {
    auto f = load_json("bech32.json");
    size_t n = 0;
    for (auto v : f->root["segwit_invalid_bip350"].get_array()) {
        std::string s = vector_bytes(v);
        SCOPED_TRACE(s);
        EXPECT_FALSE(decode_segwit("bc", s).has_value());
        EXPECT_FALSE(decode_segwit("tb", s).has_value());
        ++n;
    }
    EXPECT_EQ(n, 15u);
}

TEST(Bech32, PaddingErrorsAreNamed) {
    // "zero padding of more than 4 bits" and "non-zero padding" from BIP-350, on their own.
    auto d = bech32_decode("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf");
    ASSERT_TRUE(d.ok());
    auto p = fives_to_bytes(std::span(d->values).subspan(1));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "bad padding (more than 4 bits)");
    d = bech32_decode("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j");
    ASSERT_TRUE(d.ok());
    p = fives_to_bytes(std::span(d->values).subspan(1));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "bad padding (non-zero bits)");
}

TEST(Bech32, FivesRoundTripEveryLength) {
    for (size_t len = 0; len <= 70; ++len) {
        std::vector<uint8_t> bytes(len);
        for (size_t i = 0; i < len; ++i) bytes[i] = static_cast<uint8_t>(i * 37 + len);
        auto fives = bytes_to_fives(bytes);
        EXPECT_EQ(fives.size(), (len * 8 + 4) / 5);
        auto back = fives_to_bytes(fives);
        ASSERT_TRUE(back.ok()) << len;
        EXPECT_EQ(*back, bytes);
    }
}

TEST(Bech32, ErrorsNamePositionAndCase) {
    EXPECT_EQ(bech32_decode("a12UEL5l").error().message, "mixed case");
    EXPECT_EQ(bech32_decode("a12uel5lb").error().message, "invalid character at position 8");
    EXPECT_EQ(bech32_decode("a 12uel5l").error().message, "character out of range at position 1");
    EXPECT_EQ(bech32_decode("abcdef").error().message, "missing separator '1'");
    EXPECT_EQ(bech32_decode("a12uel5m").error().message, "bad checksum");
    EXPECT_EQ(bech32_decode(std::string(91, 'q')).error().message, "too long (91 characters, at most 90)");
}

TEST(Bech32, EverySingleSubstitutionFailsTheChecksum) {
    const std::string s = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";
    ASSERT_TRUE(bech32_decode(s).ok());
    for (size_t i = s.find('1') + 1; i < s.size(); ++i)
        for (char c : std::string_view("qpzry9x8gf2tvdw0s3jn54khce6mua7l")) {
            if (c == s[i]) continue;
            std::string t = s;
            t[i] = c;
            EXPECT_FALSE(bech32_decode(t).ok()) << t;
        }
}

}  // namespace
}  // namespace wsn::nostr
