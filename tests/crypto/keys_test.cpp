// secp256k1 keys: BIP-340 vectors, NIP-44 conversation keys (x-only lifting), parity handling.
#include <gtest/gtest.h>

#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "crypto/keys.hpp"
#include "support/vectors.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::crypto;

namespace {

std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.push_back("");
    return out;
}

// The x coordinate of k·P, unhashed: the shared secret NIP-44 feeds to HKDF. The
// product has no use for it (BOLT 8 hashes the point), so it lives with its tests.
Secret32 ecdh_x(const SecretKey& k, const PublicKey& p) {
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, p.bytes.data(), p.bytes.size())) std::abort();
    auto copy_x = [](unsigned char* output, const unsigned char* x32, const unsigned char*, void*) {
        std::memcpy(output, x32, 32);
        return 1;
    };
    Secret32 out;
    if (!secp256k1_ecdh(secp256k1_context_static, out.data(), &pk, k.secret().data(), copy_x, nullptr))
        std::abort();
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

TEST(Bip340, AllVectorsFromCsv) {
    std::stringstream file(test::read_vector_file("bip340-test-vectors.csv"));
    std::string line;
    std::getline(file, line);  // header
    int rows = 0;
    while (std::getline(file, line)) {
        if (line.empty()) continue;
        auto c = split_csv(line);
        ASSERT_GE(c.size(), 7u) << line;
        SCOPED_TRACE("BIP-340 row " + c[0] + " " + (c.size() > 7 ? c[7] : ""));
        auto msg = test::unhex(c[4]);
        auto sig_bytes = test::unhex(c[5]);
        ASSERT_EQ(sig_bytes.size(), 64u);
        Signature sig;
        std::copy(sig_bytes.begin(), sig_bytes.end(), sig.begin());
        bool expected = c[6] == "TRUE";
        XOnlyPubkey pk{};
        auto pkb = test::unhex(c[2]);
        std::copy(pkb.begin(), pkb.end(), pk.bytes.begin());
        if (!c[1].empty()) {
            auto sk = SecretKey::from_hex(c[1]);
            ASSERT_TRUE(sk.ok());
            EXPECT_EQ(sk->xonly_pubkey(), pk);
            auto aux_v = test::unhex(c[3]);
            std::array<uint8_t, 32> aux;
            std::copy(aux_v.begin(), aux_v.end(), aux.begin());
            EXPECT_EQ(to_hex(schnorr_sign(*sk, msg, aux)), lower(c[5]));
        }
        EXPECT_EQ(schnorr_verify(pk, msg, sig), expected);
        ++rows;
    }
    EXPECT_EQ(rows, 19);
}

// schnorr_verify remembers parsed keys per thread in a table indexed by the key's first
// bytes: two keys sharing a slot, used in turn, must each verify only their own signatures.
TEST(SchnorrVerify, KeysSharingAMemoSlotStayApart) {
    auto slot = [](const XOnlyPubkey& k) { return (k.bytes[0] | k.bytes[1] << 8) % 1024; };
    std::map<int, SecretKey> seen;
    std::optional<std::pair<SecretKey, SecretKey>> pair;
    for (int i = 0; i < 20000 && !pair; ++i) {
        auto k = SecretKey::generate();
        auto [it, fresh] = seen.emplace(slot(k.xonly_pubkey()), k);
        if (!fresh && !(it->second.xonly_pubkey() == k.xonly_pubkey())) pair.emplace(it->second, k);
    }
    ASSERT_TRUE(pair) << "no two keys in one slot among 20,000";
    const auto& [a, b] = *pair;
    std::array<uint8_t, 32> msg{};
    msg[0] = 7;
    Signature sa = schnorr_sign(a, msg), sb = schnorr_sign(b, msg);
    for (int round = 0; round < 3; ++round) {
        EXPECT_TRUE(schnorr_verify(a.xonly_pubkey(), msg, sa));
        EXPECT_FALSE(schnorr_verify(b.xonly_pubkey(), msg, sa));
        EXPECT_TRUE(schnorr_verify(b.xonly_pubkey(), msg, sb));
        EXPECT_FALSE(schnorr_verify(a.xonly_pubkey(), msg, sb));
    }
    Signature bad = sa;
    bad[63] ^= 1;
    EXPECT_FALSE(schnorr_verify(a.xonly_pubkey(), msg, bad));  // a remembered key checks every signature
}

TEST(Nip44ConversationKey, ValidVectorsLiftXOnlyKeys) {
    auto f = test::load_json("nip44.vectors.json");
    int n = 0;
    for (auto v : f->root["v2"]["valid"]["get_conversation_key"].get_array()) {
        std::string_view sec1 = v["sec1"].get_string(), pub2 = v["pub2"].get_string(),
                         want = v["conversation_key"].get_string();
        auto sk = SecretKey::from_hex(sec1);
        ASSERT_TRUE(sk.ok()) << sec1;
        auto x = parse_xonly_hex(pub2);
        ASSERT_TRUE(x.ok()) << pub2;
        auto p = lift_x(*x);
        ASSERT_TRUE(p.ok());
        EXPECT_FALSE(p->has_odd_y());
        Secret32 shared = ecdh_x(*sk, *p);
        std::string_view salt = "nip44-v2";
        auto key = hmac_sha256(std::span(reinterpret_cast<const uint8_t*>(salt.data()), salt.size()),
                               shared.span());
        EXPECT_EQ(to_hex(key), want);
        ++n;
    }
    EXPECT_EQ(n, 35);
}

TEST(Nip44ConversationKey, InvalidVectorsAreRejected) {
    auto f = test::load_json("nip44.vectors.json");
    int n = 0;
    for (auto v : f->root["v2"]["invalid"]["get_conversation_key"].get_array()) {
        std::string_view sec1 = v["sec1"].get_string(), pub2 = v["pub2"].get_string();
        auto sk = SecretKey::from_hex(sec1);
        auto x = parse_xonly_hex(pub2);
        EXPECT_FALSE(sk.ok() && x.ok()) << v["note"].get_string().value();
        ++n;
    }
    EXPECT_EQ(n, 8);
}

TEST(Keys, OddYSecretIsNegatedToMatchLiftedKey) {
    int odd = 0, even = 0;
    for (int i = 0; i < 64 && (odd == 0 || even == 0); ++i) {
        SecretKey k = SecretKey::generate();
        (k.public_key().has_odd_y() ? odd : even)++;
        SecretKey e = k.with_even_y();
        EXPECT_FALSE(e.public_key().has_odd_y());
        EXPECT_EQ(e.xonly_pubkey(), k.xonly_pubkey());
        EXPECT_EQ(*lift_x(k.xonly_pubkey()), e.public_key());
    }
    EXPECT_GT(odd, 0);
    EXPECT_GT(even, 0);
}

TEST(Keys, EcdhIsSymmetricAndHashesTheCompressedPoint) {
    SecretKey a = SecretKey::generate(), b = SecretKey::generate();
    Secret32 ab = ecdh(a, b.public_key()), ba = ecdh(b, a.public_key());
    EXPECT_TRUE(ct_equal(ab.span(), ba.span()));
    // SHA-256(0x02|0x03 || x): recompute from the unhashed x and the parity.
    Secret32 x = ecdh_x(a, b.public_key());
    bool matched = false;
    for (uint8_t prefix : {0x02, 0x03}) {
        std::vector<uint8_t> c{prefix};
        c.insert(c.end(), x.data(), x.data() + 32);
        auto h = sha256(c);
        matched |= ct_equal(h, ab.span());
    }
    EXPECT_TRUE(matched);
}

TEST(Keys, BadInputsGiveErrorsWithoutTheSecret) {
    auto r = SecretKey::from_hex("zz");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "secret key must be 64 hex characters");
    auto zero = SecretKey::from_hex(std::string(64, '0'));
    ASSERT_FALSE(zero.ok());
    EXPECT_EQ(zero.error().message.find("000"), std::string::npos);
    EXPECT_FALSE(parse_xonly_hex(std::string(64, 'A')).ok());  // uppercase refused
    uint8_t not_on_curve[33] = {0x02};
    not_on_curve[32] = 5;  // x = 5 is not on secp256k1
    EXPECT_FALSE(parse_public_key(not_on_curve).ok());
}

// parse_public_key remembers the last point it parsed (a handshake uses each twice):
// the memory must never make a different or invalid encoding pass.
TEST(Keys, ParsingAPointAgainGivesTheSameAnswer) {
    auto k = SecretKey::generate();
    auto pub = k.public_key();
    for (int round = 0; round < 2; ++round) {
        auto p = parse_public_key(pub.bytes);
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(p->bytes, pub.bytes);
    }
    auto other = pub.bytes;
    other[0] = other[0] == 0x02 ? 0x03 : 0x02;  // the negated point: valid, and different
    auto neg = parse_public_key(other);
    ASSERT_TRUE(neg.ok());
    EXPECT_EQ(neg->bytes, other);
    EXPECT_FALSE(ct_equal(ecdh(k, *neg).span(), ecdh(k, pub).span()));
    uint8_t not_on_curve[33] = {0x02};
    not_on_curve[32] = 5;
    EXPECT_FALSE(parse_public_key(not_on_curve).ok());
    EXPECT_FALSE(parse_public_key(not_on_curve).ok());
    uint8_t zeros[33] = {};
    EXPECT_FALSE(parse_public_key(zeros).ok());
}
