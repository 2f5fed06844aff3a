// NIP-19 against every case of ../shared/vectors/nip19.json, and the errors by name.
#include <gtest/gtest.h>

#include <map>

#include "nostr/bech32.hpp"
#include "nostr/nip19.hpp"
#include "support/vectors.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {
namespace {

using test::load_json;
using test::unhex;

std::string hex_of(const crypto::XOnlyPubkey& k) { return to_hex(k.bytes); }

std::vector<std::string> strings(simdjson::dom::element arr) {
    std::vector<std::string> out;
    for (auto s : arr.get_array()) out.emplace_back(std::string_view(s));
    return out;
}

std::string make(std::string_view hrp, std::span<const uint8_t> bytes,
                 Bech32Variant variant = Bech32Variant::bech32) {
    return bech32_encode(hrp, bytes_to_fives(bytes), variant);
}

// The TLV records exactly as the vector lists them, from the raw payload.
void check_tlv(const std::string& s, simdjson::dom::element expected) {
    auto d = bech32_decode(s, kNip19MaxLength);
    ASSERT_TRUE(d.ok());
    auto bytes = fives_to_bytes(d->values);
    ASSERT_TRUE(bytes.ok());
    auto tlvs = parse_tlv(*bytes);
    ASSERT_TRUE(tlvs.ok()) << tlvs.error().message;
    std::vector<Tlv> want;
    for (auto t : expected.get_array())
        want.push_back(Tlv{static_cast<uint8_t>(uint64_t(t["type"])), unhex(std::string_view(t["value_hex"]))});
    EXPECT_EQ(*tlvs, want);
}

TEST(Nip19, EveryValidVector) {
    auto f = load_json("nip19.json");
    std::map<std::string, int> seen;
    for (auto v : f->root["valid"].get_array()) {
        std::string s{std::string_view(v["bech32"])};
        auto d = v["decoded"];
        std::string hrp{std::string_view(d["hrp"])};
        SCOPED_TRACE(s);
        ++seen[hrp];
        if (hrp == "npub") {
            auto k = decode_npub(s);
            ASSERT_TRUE(k.ok()) << k.error().message;
            EXPECT_EQ(hex_of(*k), std::string_view(d["hex"]));
            EXPECT_EQ(encode_npub(*k), s);
        } else if (hrp == "nsec") {
            auto k = decode_nsec(s);
            ASSERT_TRUE(k.ok()) << k.error().message;
            EXPECT_EQ(k->secret_hex(), std::string_view(d["hex"]));
            EXPECT_EQ(encode_nsec(*k), s);
        } else if (hrp == "nprofile") {
            auto p = decode_nprofile(s);
            ASSERT_TRUE(p.ok()) << p.error().message;
            EXPECT_EQ(hex_of(p->pubkey), std::string_view(d["pubkey"]));
            EXPECT_EQ(p->relays, strings(d["relays"]));
            check_tlv(s, d["tlv"]);
            auto again = encode_nprofile(*p);  // the vectors write pubkey first, then relays
            ASSERT_TRUE(again.ok());
            EXPECT_EQ(*again, s);
        } else if (hrp == "nevent") {
            auto e = decode_nevent(s);
            ASSERT_TRUE(e.ok()) << e.error().message;
            EXPECT_EQ(to_hex(e->id), std::string_view(d["id"]));
            EXPECT_EQ(e->relays, strings(d["relays"]));
            std::string_view author;
            if (d["author"].get(author) == simdjson::SUCCESS) {
                ASSERT_TRUE(e->author.has_value());
                EXPECT_EQ(hex_of(*e->author), author);
            } else {
                EXPECT_FALSE(e->author.has_value());
            }
            EXPECT_FALSE(e->kind.has_value());
            check_tlv(s, d["tlv"]);
        } else if (hrp == "naddr") {
            auto a = decode_naddr(s);
            ASSERT_TRUE(a.ok()) << a.error().message;
            EXPECT_EQ(a->identifier, std::string_view(d["identifier"]));
            EXPECT_EQ(a->relays, strings(d["relays"]));
            EXPECT_EQ(hex_of(a->author), std::string_view(d["author"]));
            EXPECT_EQ(a->kind, uint64_t(d["kind"]));
            check_tlv(s, d["tlv"]);
        } else {
            ADD_FAILURE() << "no decoder for " << hrp;
        }
    }
    EXPECT_EQ(seen, (std::map<std::string, int>{{"npub", 3}, {"nsec", 3}, {"nprofile", 3}, {"nevent", 2}, {"naddr", 3}}));
}

// Each invalid vector, decoded by the decoder its prefix names, with the error we give.
TEST(Nip19, EveryInvalidVector) {
    const std::map<std::string, std::string> expected = {
        {"invalid checksum", "bad checksum in npub"},
        {"bad author length", "bad length of author in nevent (64 bytes, expected 32)"},
        {"truncated TLV header", "bad TLV in nevent: truncated TLV header"},
    };
    auto f = load_json("nip19.json");
    size_t n = 0;
    for (auto v : f->root["invalid"].get_array()) {
        std::string s{std::string_view(v["bech32"])};
        std::string helper{std::string_view(v["helper_decoder_error"])};
        SCOPED_TRACE(s);
        std::string message;
        if (s.starts_with("npub1")) message = decode_npub(s).error().message;
        else if (s.starts_with("nsec1")) message = decode_nsec(s).error().message;
        else if (s.starts_with("nevent1")) message = decode_nevent(s).error().message;
        else if (s.starts_with("nprofile1")) message = decode_nprofile(s).error().message;
        else FAIL() << "unexpected prefix";
        if (helper == "character out of range") {
            EXPECT_TRUE(message.starts_with("character out of range at position ")) << message;
            EXPECT_TRUE(message.ends_with(s.starts_with("nsec") ? " in nsec" : " in nprofile")) << message;
        } else {
            ASSERT_TRUE(expected.count(helper)) << helper;
            EXPECT_EQ(message, expected.at(helper));
        }
        ++n;
    }
    EXPECT_EQ(n, 5u);
}

const char* kNpub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
const char* kNsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";

TEST(Nip19, WrongPrefixIsNamed) {
    EXPECT_EQ(decode_npub(kNsec).error().message, "expected npub, got nsec");
    EXPECT_EQ(decode_nsec(kNpub).error().message, "expected nsec, got npub");
    EXPECT_EQ(decode_note(kNpub).error().message, "expected note, got npub");
    EXPECT_EQ(decode_nprofile(kNpub).error().message, "expected nprofile, got npub");
}

TEST(Nip19, CaseRules) {
    std::string upper = kNpub;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto k = decode_npub(upper);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(encode_npub(*k), kNpub);
    std::string mixed = kNpub;
    mixed[7] = 'C';  // "npub180c..." -> "npub180C..."
    EXPECT_EQ(decode_npub(mixed).error().message, "mixed case in npub");
}

TEST(Nip19, LengthAndVariantErrors) {
    std::vector<uint8_t> b33(33, 1), b31(31, 1), b32(32, 1);
    EXPECT_EQ(decode_npub(make("npub", b33)).error().message, "bad length in npub (33 bytes, expected 32)");
    EXPECT_EQ(decode_nsec(make("nsec", b31)).error().message, "bad length in nsec (31 bytes, expected 32)");
    EXPECT_EQ(decode_note(make("note", b32, Bech32Variant::bech32m)).error().message,
              "bech32m checksum in note (NIP-19 uses bech32)");
    auto note = decode_note(make("note", b32));
    ASSERT_TRUE(note.ok());
    EXPECT_EQ(encode_note(*note), make("note", b32));
}

TEST(Nip19, BadPaddingIsNamed) {
    // 32 bytes take 52 five-bit groups with 4 padding bits; set one of them.
    auto fives = bytes_to_fives(std::vector<uint8_t>(32, 0));
    fives.back() = 1;
    EXPECT_EQ(decode_note(bech32_encode("note", fives, Bech32Variant::bech32)).error().message,
              "bad padding (non-zero bits) in note");
}

TEST(Nip19, NpubMustBeOnTheCurve) {
    // Find an x with no point on secp256k1 (about half of all x), then encode it.
    crypto::XOnlyPubkey x;
    for (uint8_t i = 1;; ++i) {
        x.bytes[31] = i;
        if (!crypto::lift_x(x)) break;
    }
    EXPECT_EQ(decode_npub(encode_npub(x)).error().message, "npub is not a valid secp256k1 public key");
}

TEST(Nip19, NsecMustBeAValidScalar) {
    std::vector<uint8_t> zero(32, 0), big(32, 0xff);
    EXPECT_FALSE(decode_nsec(make("nsec", zero)).ok());
    EXPECT_FALSE(decode_nsec(make("nsec", big)).ok());
}

TEST(Nip19, SecretPairMatches) {
    // nips/19.md lines 59/60: the nsec's public key is the npub.
    auto sk = decode_nsec(kNsec);
    ASSERT_TRUE(sk.ok());
    EXPECT_EQ(encode_npub(sk->xonly_pubkey()), "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
}

std::vector<uint8_t> tlv(std::initializer_list<std::pair<uint8_t, std::vector<uint8_t>>> records) {
    std::vector<uint8_t> out;
    for (auto& [type, value] : records) {
        out.push_back(type);
        out.push_back(static_cast<uint8_t>(value.size()));
        out.insert(out.end(), value.begin(), value.end());
    }
    return out;
}

TEST(Nip19, TlvErrors) {
    std::vector<uint8_t> key(32, 7), relay{'w', 's', 's', ':', '/', '/', 'a'};
    EXPECT_EQ(decode_nprofile(make("nprofile", tlv({{1, relay}}))).error().message, "missing pubkey in nprofile");
    EXPECT_EQ(decode_nprofile(make("nprofile", tlv({{0, key}, {0, key}}))).error().message,
              "duplicate pubkey in nprofile");
    EXPECT_EQ(decode_nevent(make("nevent", tlv({{0, key}, {3, {1, 2}}}))).error().message,
              "bad length of kind in nevent (2 bytes, expected 4)");
    EXPECT_EQ(decode_naddr(make("naddr", tlv({{0, {}}, {2, key}}))).error().message, "missing kind in naddr");
    EXPECT_EQ(decode_naddr(make("naddr", tlv({{0, {}}, {3, {0, 0, 0, 1}}}))).error().message,
              "missing author in naddr");
    auto bytes = tlv({{0, key}, {1, relay}});
    bytes.pop_back();
    EXPECT_EQ(decode_nprofile(make("nprofile", bytes)).error().message,
              "bad TLV in nprofile: TLV type 1 length 7 exceeds the data");
}

TEST(Nip19, UnknownTlvTypesAreIgnored) {
    std::vector<uint8_t> key(32, 7), relay{'w', 's', ':', '/', '/', 'x'};
    auto p = decode_nprofile(make("nprofile", tlv({{9, {1, 2, 3}}, {0, key}, {1, relay}, {200, {}}})));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->pubkey.bytes[0], 7);
    EXPECT_EQ(p->relays, std::vector<std::string>{"ws://x"});
    auto e = decode_nevent(make("nevent", tlv({{0, key}, {3, {0, 0, 0x75, 0x47}}})));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kind, 30023u);
}

TEST(Nip19, NprofileRoundTripAndLimits) {
    ProfilePointer p{crypto::SecretKey::generate().xonly_pubkey(), {"wsn://a@b", "wss://relay.example.com"}};
    auto s = encode_nprofile(p);
    ASSERT_TRUE(s.ok());
    auto back = decode_nprofile(*s);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
    p.relays = {std::string(256, 'a')};
    EXPECT_FALSE(encode_nprofile(p).ok());
    p.relays = std::vector<std::string>(20, std::string(255, 'a'));  // over 5000 characters
    EXPECT_FALSE(encode_nprofile(p).ok());
}

}  // namespace
}  // namespace wsn::nostr
