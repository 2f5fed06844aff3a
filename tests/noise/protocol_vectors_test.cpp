// The wsn.v1 test vectors of docs/protocol.md (tests/noise/wsn_v1_vectors.json): a
// whole handshake with fixed keys and every intermediate value, the transport keys,
// and sealed messages of one chunk, of three chunks, with a key rotation inside, and
// right after it. The values are computed twice: step by step from the primitives
// (as the document describes), and by Handshake/Sealer, and must equal the file.
// WSN_PRINT_VECTORS=1 prints "pointer<TAB>json value" lines, to regenerate the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include "noise/framing.hpp"
#include "noise/handshake.hpp"
#include "noise_test_util.hpp"

using namespace wsn;
using namespace wsn::noise;
using crypto::Hash32;
using crypto::Secret32;
using wsn::test::hex;

namespace {

using Value = std::variant<std::string, int64_t, bool>;

struct Entries {
    std::vector<std::pair<std::string, Value>> list;
    void add(std::string ptr, Value v) { list.emplace_back(std::move(ptr), std::move(v)); }
};

crypto::SecretKey fixed(uint8_t byte) {
    std::array<uint8_t, 32> b{};
    b.fill(byte);
    return *crypto::SecretKey::from_bytes(b);
}

std::span<const uint8_t> ascii(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

Hash32 mix(const Hash32& h, std::span<const uint8_t> data) {
    std::vector<uint8_t> b(h.begin(), h.end());
    b.insert(b.end(), data.begin(), data.end());
    return crypto::sha256(b);
}

std::vector<uint8_t> seal_raw(const Secret32& k, uint64_t n, const Hash32& ad, std::span<const uint8_t> p) {
    std::vector<uint8_t> out(p.size() + crypto::kTagSize);
    crypto::ChaChaPoly().seal(k, n, ad, p, out);
    return out;
}

// Plaintext of n bytes: byte i is i mod 251.
std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i % 251);
    return v;
}

// A multi-chunk message: lengths and hashes rather than the bytes.
void add_big(Entries& e, const std::string& at, Sealer& s, Opener& rx, size_t n, const std::string& rule) {
    auto p = pattern(n);
    const uint64_t first_nonce = s.cipher().nonce();
    auto sealed = *s.seal(p);
    EXPECT_EQ(*rx.open(sealed), p) << at;
    e.add(at + "/plaintext_rule", rule);
    e.add(at + "/plaintext_length", int64_t(n));
    e.add(at + "/plaintext_sha256", hex(crypto::sha256(p)));
    e.add(at + "/first_nonce", int64_t(first_nonce));
    e.add(at + "/sealed_length", int64_t(sealed.size()));
    e.add(at + "/sealed_sha256", hex(crypto::sha256(sealed)));
    size_t chunk = 0;
    for (size_t at_byte = 0; at_byte < sealed.size(); at_byte += kMaxChunkSize, ++chunk) {
        auto c = std::span(sealed).subspan(at_byte, std::min(kMaxChunkSize, sealed.size() - at_byte));
        const std::string ca = at + "/chunks/" + std::to_string(chunk);
        e.add(ca + "/length", int64_t(c.size()));
        e.add(ca + "/ad", at_byte + c.size() == sealed.size() ? "01" : "00");
        e.add(ca + "/sha256", hex(crypto::sha256(c)));
        e.add(ca + "/tag", hex(c.last(16)));
    }
}

void add_small(Entries& e, const std::string& at, Sealer& s, Opener& rx, std::string_view text) {
    e.add(at + "/plaintext_ascii", std::string(text));
    e.add(at + "/nonce", int64_t(s.cipher().nonce()));
    auto sealed = *s.seal(ascii(text));
    e.add(at + "/sealed", hex(sealed));
    auto opened = rx.open(sealed);
    EXPECT_TRUE(opened.ok() && std::equal(opened->begin(), opened->end(), text.begin(), text.end())) << at;
}

Entries compute() {
    Entries e;
    const auto relay_secret = fixed(0x42);
    const auto client_secret = fixed(0x11);
    const auto client_e = fixed(0x12);
    const auto relay_e = fixed(0x22);
    const StaticKey relay = StaticKey::even_y(relay_secret);
    const StaticKey client(client_secret);

    e.add("/protocol_name", std::string(kProtocolName));
    e.add("/prologue_ascii", std::string(kWsnPrologue));
    e.add("/keys/relay_secret", relay_secret.secret_hex());
    e.add("/keys/relay_npub_hex", relay_secret.xonly_pubkey().hex());
    e.add("/keys/relay_secret_point_has_odd_y", relay_secret.public_key().has_odd_y());
    e.add("/keys/relay_secret_used", relay.secret.secret_hex());
    e.add("/keys/relay_static_pub", hex(relay.pub.bytes));
    e.add("/keys/client_secret", client_secret.secret_hex());
    e.add("/keys/client_static_pub", hex(client.pub.bytes));
    e.add("/keys/client_xonly", client.pub.xonly().hex());
    e.add("/keys/client_ephemeral_secret", client_e.secret_hex());
    e.add("/keys/client_ephemeral_pub", hex(client_e.public_key().bytes));
    e.add("/keys/relay_ephemeral_secret", relay_e.secret_hex());
    e.add("/keys/relay_ephemeral_pub", hex(relay_e.public_key().bytes));

    // Step by step, from the primitives.
    Hash32 h = crypto::sha256(kProtocolName);
    Secret32 ck(h);
    e.add("/init/h0_and_ck0", hex(h));
    h = mix(h, ascii(kWsnPrologue));
    e.add("/init/h_after_prologue", hex(h));
    h = mix(h, relay.pub.bytes);
    e.add("/init/h_after_relay_static", hex(h));

    const auto ce_pub = client_e.public_key();
    h = mix(h, ce_pub.bytes);
    e.add("/act_one/h_after_e", hex(h));
    Secret32 es = crypto::ecdh(client_e, relay.pub);
    e.add("/act_one/es", hex(es));
    auto k1 = crypto::hkdf2(ck.span(), es.span());
    ck = k1.first;
    e.add("/act_one/ck", hex(ck));
    e.add("/act_one/temp_k1", hex(k1.second));
    auto c1 = seal_raw(k1.second, 0, h, {});
    e.add("/act_one/c", hex(c1));
    h = mix(h, c1);
    e.add("/act_one/h", hex(h));
    std::vector<uint8_t> act1{0};
    act1.insert(act1.end(), ce_pub.bytes.begin(), ce_pub.bytes.end());
    act1.insert(act1.end(), c1.begin(), c1.end());
    e.add("/act_one/bytes", hex(act1));

    const auto re_pub = relay_e.public_key();
    h = mix(h, re_pub.bytes);
    e.add("/act_two/h_after_e", hex(h));
    Secret32 ee = crypto::ecdh(relay_e, ce_pub);
    e.add("/act_two/ee", hex(ee));
    auto k2 = crypto::hkdf2(ck.span(), ee.span());
    ck = k2.first;
    e.add("/act_two/ck", hex(ck));
    e.add("/act_two/temp_k2", hex(k2.second));
    auto c2 = seal_raw(k2.second, 0, h, {});
    e.add("/act_two/c", hex(c2));
    h = mix(h, c2);
    e.add("/act_two/h", hex(h));
    std::vector<uint8_t> act2{0};
    act2.insert(act2.end(), re_pub.bytes.begin(), re_pub.bytes.end());
    act2.insert(act2.end(), c2.begin(), c2.end());
    e.add("/act_two/bytes", hex(act2));

    auto c3 = seal_raw(k2.second, 1, h, client.pub.bytes);
    e.add("/act_three/c", hex(c3));
    h = mix(h, c3);
    e.add("/act_three/h", hex(h));
    Secret32 se = crypto::ecdh(client_secret, re_pub);
    e.add("/act_three/se", hex(se));
    auto k3 = crypto::hkdf2(ck.span(), se.span());
    ck = k3.first;
    e.add("/act_three/ck", hex(ck));
    e.add("/act_three/temp_k3", hex(k3.second));
    auto t = seal_raw(k3.second, 0, h, {});
    e.add("/act_three/t", hex(t));
    std::vector<uint8_t> act3{0};
    act3.insert(act3.end(), c3.begin(), c3.end());
    act3.insert(act3.end(), t.begin(), t.end());
    e.add("/act_three/bytes", hex(act3));

    auto split = crypto::hkdf2(ck.span(), {});
    e.add("/transport/ck", hex(ck));
    e.add("/transport/client_send_key", hex(split.first));
    e.add("/transport/relay_send_key", hex(split.second));

    // The same through Handshake, which must agree at every act.
    auto i = Handshake::initiator(client, *crypto::lift_x(relay_secret.xonly_pubkey()), kWsnPrologue, client_e);
    auto r = Handshake::responder(relay, kWsnPrologue, relay_e);
    auto a1 = i.write_act_one();
    EXPECT_EQ(hex(a1), hex(act1));
    EXPECT_TRUE(r.read_act_one(a1).ok());
    auto a2 = r.write_act_two();
    EXPECT_EQ(hex(a2), hex(act2));
    EXPECT_TRUE(i.read_act_two(a2).ok());
    auto a3 = i.write_act_three();
    EXPECT_EQ(hex(a3), hex(act3));
    EXPECT_TRUE(r.read_act_three(a3).ok());
    EXPECT_EQ(hex(i.handshake_hash()), hex(h));
    EXPECT_EQ(r.remote_xonly(), client_secret.xonly_pubkey());
    auto ti = i.take_transport();
    auto tr = r.take_transport();
    EXPECT_EQ(hex(ti.send.key()), hex(split.first));
    EXPECT_EQ(hex(tr.send.key()), hex(split.second));

    // Messages, client to relay, in this order on one connection.
    Sealer client_tx(std::move(ti.send));
    Opener relay_rx(std::move(tr.recv), size_t(1) << 20);
    add_small(e, "/messages/client_one_chunk", client_tx, relay_rx, R"(["REQ","sub1",{"kinds":[1],"limit":10}])");
    add_big(e, "/messages/client_three_chunks", client_tx, relay_rx, 150000, "150000 bytes, byte i = i mod 251");
    const uint64_t filler = kRotateAfter - 1 - client_tx.cipher().nonce();
    e.add("/messages/client_filler/count", int64_t(filler));
    e.add("/messages/client_filler/plaintext_ascii", std::string("a"));
    for (uint64_t n = 0; n < filler; ++n) EXPECT_TRUE(relay_rx.open(*client_tx.seal(ascii("a"))).ok());
    add_big(e, "/messages/client_rotation_inside", client_tx, relay_rx, 70000, "70000 bytes, byte i = i mod 251");
    e.add("/messages/client_rotation_inside/rotated_ck", hex(client_tx.cipher().chaining_key()));
    e.add("/messages/client_rotation_inside/rotated_key", hex(client_tx.cipher().key()));
    add_small(e, "/messages/client_after_rotation", client_tx, relay_rx, R"(["EVENT",{"kind":1}])");

    Sealer relay_tx(std::move(tr.send));
    Opener client_rx(std::move(ti.recv), size_t(1) << 20);
    add_small(e, "/messages/relay_one_chunk", relay_tx, client_rx, R"(["EOSE","sub1"])");
    return e;
}

std::string json_literal(const Value& v) {
    if (auto* s = std::get_if<std::string>(&v)) {
        std::string out = "\"";
        for (char c : *s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        return out + "\"";
    }
    if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return std::to_string(std::get<int64_t>(v));
}

}  // namespace

TEST(WsnV1Vectors, FileMatchesTheImplementation) {
    Entries computed = compute();
    if (std::getenv("WSN_PRINT_VECTORS"))
        for (auto& [ptr, v] : computed.list) std::cout << ptr << '\t' << json_literal(v) << '\n';

    std::ifstream f(std::string(WSN_SOURCE_DIR) + "/tests/noise/wsn_v1_vectors.json");
    ASSERT_TRUE(f) << "tests/noise/wsn_v1_vectors.json missing";
    std::stringstream ss;
    ss << f.rdbuf();
    simdjson::padded_string text(ss.str());
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(text);

    ASSERT_GT(computed.list.size(), 60u);
    for (auto& [ptr, want] : computed.list) {
        auto got = root.at_pointer(ptr);
        ASSERT_EQ(got.error(), simdjson::SUCCESS) << ptr << " missing from the file";
        if (auto* s = std::get_if<std::string>(&want)) {
            std::string_view g;
            ASSERT_EQ(got.get(g), simdjson::SUCCESS) << ptr;
            EXPECT_EQ(g, *s) << ptr;
        } else if (auto* b = std::get_if<bool>(&want)) {
            bool g = false;
            ASSERT_EQ(got.get(g), simdjson::SUCCESS) << ptr;
            EXPECT_EQ(g, *b) << ptr;
        } else {
            int64_t g = 0;
            ASSERT_EQ(got.get(g), simdjson::SUCCESS) << ptr;
            EXPECT_EQ(g, std::get<int64_t>(want)) << ptr;
        }
    }
}
