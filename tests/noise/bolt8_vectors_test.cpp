// BOLT 8 Appendix A, read from ../shared/vectors/bolt8.json as it is: every initiator
// and responder case (each expected failure at its act, with its fault), the
// intermediate h and ck of the spec's comments, and the message encryption with its
// key rotations (BOLT 8's own length + body framing, written here only for the test).
#include <gtest/gtest.h>

#include <map>

#include "noise/cipher_state.hpp"
#include "noise/handshake.hpp"
#include "noise_test_util.hpp"

using namespace wsn;
using namespace wsn::noise;
using wsn::test::hex;
using wsn::test::str;

namespace {

// The act a spec error label belongs to, and the fault it names.
struct Expected {
    int act;
    ActFault fault;
};

Expected expected_error(std::string_view label) {
    int act = label[3] - '0';
    static const std::map<std::string_view, ActFault> faults = {
        {"READ_FAILED", ActFault::bad_length}, {"BAD_VERSION", ActFault::bad_version},
        {"BAD_PUBKEY", ActFault::bad_pubkey},   {"BAD_TAG", ActFault::bad_mac},
        {"BAD_CIPHERTEXT", ActFault::bad_static_key_mac},
    };
    std::string_view rest = label.substr(5);                 // after "ACTn_"
    rest = rest.substr(0, rest.find(' '));                    // "BAD_VERSION 1" -> "BAD_VERSION"
    auto it = faults.find(rest);
    if (it == faults.end()) throw std::runtime_error("unknown BOLT 8 error label " + std::string(label));
    return {act, it->second};
}

void expect_failed(const Handshake& hs, const Status& st, ActFault fault) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(hs.state(), Handshake::State::failed);
    ASSERT_TRUE(hs.fault().has_value());
    EXPECT_EQ(*hs.fault(), fault) << st.error().message;
}

}  // namespace

TEST(Bolt8Vectors, ConstantsMatch) {
    auto v = test::load_json("bolt8.json");
    simdjson::dom::element c = v->root["constants"];
    EXPECT_EQ(str(c, "protocol_name_ascii"), kProtocolName);
    EXPECT_EQ(str(c, "prologue_ascii"), kLightningPrologue);
    EXPECT_EQ(test::num(c["act_lengths"]["act1"]), int64_t(kActOneSize));
    EXPECT_EQ(test::num(c["act_lengths"]["act2"]), int64_t(kActTwoSize));
    EXPECT_EQ(test::num(c["act_lengths"]["act3"]), int64_t(kActThreeSize));
    EXPECT_EQ(test::num(c["handshake_version_byte"]), kHandshakeVersion);
}

TEST(Bolt8Vectors, EveryInitiatorCase) {
    auto v = test::load_json("bolt8.json");
    int cases = 0;
    for (auto c : v->root["initiator"].get_array()) {
        SCOPED_TRACE(std::string(str(c, "name")));
        StaticKey ls(test::secret(str(c, "ls_priv")));
        ASSERT_EQ(hex(ls.pub.bytes), str(c, "ls_pub"));
        auto e = test::secret(str(c, "e_priv"));
        ASSERT_EQ(hex(e.public_key().bytes), str(c, "e_pub"));
        auto hs = Handshake::initiator(ls, test::pubkey(str(c, "rs_pub")), kLightningPrologue, e);
        const bool ok = !test::has(c, "expected_error");
        simdjson::dom::element trace;  // only the successful cases have one
        if (ok) trace = c["trace_from_spec_comments"];

        auto act1 = hs.write_act_one();
        EXPECT_EQ(hex(act1), str(c, "act1_output"));
        EXPECT_EQ(hs.state(), Handshake::State::act_one_sent);
        if (ok) {
            EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act1"], "h_after_c"));
            EXPECT_EQ(hex(hs.chaining_key()), str(trace["act1"], "ck"));
        }

        Status st = hs.read_act_two(test::unhex(str(c, "act2_input")));
        if (!ok) {
            auto want = expected_error(str(c, "expected_error"));
            ASSERT_EQ(want.act, 2);
            expect_failed(hs, st, want.fault);
            ++cases;
            continue;
        }
        ASSERT_TRUE(st.ok()) << st.error().message;
        EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act2"], "h_after_c"));
        EXPECT_EQ(hex(hs.chaining_key()), str(trace["act2"], "ck"));

        auto act3 = hs.write_act_three();
        EXPECT_EQ(hex(act3), str(c, "act3_output"));
        EXPECT_EQ(hs.state(), Handshake::State::done);
        EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act3"], "h"));
        EXPECT_EQ(hex(hs.chaining_key()), str(trace["act3"], "ck"));

        auto t = hs.take_transport();
        EXPECT_EQ(hex(t.send.key()), str(c, "sk"));
        EXPECT_EQ(hex(t.recv.key()), str(c, "rk"));
        EXPECT_EQ(hex(t.send.chaining_key()), str(trace["act3"], "ck"));
        EXPECT_EQ(hex(t.recv.chaining_key()), str(trace["act3"], "ck"));
        EXPECT_EQ(t.send.nonce(), 0u);
        ++cases;
    }
    EXPECT_EQ(cases, 5);
}

TEST(Bolt8Vectors, EveryResponderCase) {
    auto v = test::load_json("bolt8.json");
    int cases = 0, failures = 0;
    for (auto c : v->root["responder"].get_array()) {
        SCOPED_TRACE(std::string(str(c, "name")));
        StaticKey ls(test::secret(str(c, "ls_priv")));
        ASSERT_EQ(hex(ls.pub.bytes), str(c, "ls_pub"));
        auto e = test::secret(str(c, "e_priv"));
        ASSERT_EQ(hex(e.public_key().bytes), str(c, "e_pub"));
        auto hs = Handshake::responder(ls, kLightningPrologue, e);
        const bool ok = !test::has(c, "expected_error");
        const Expected want = ok ? Expected{0, ActFault::bad_length} : expected_error(str(c, "expected_error"));
        simdjson::dom::element trace;  // only the successful cases have one
        if (ok) trace = c["trace_from_spec_comments"];
        ++cases;

        Status st = hs.read_act_one(test::unhex(str(c, "act1_input")));
        if (want.act == 1) {
            expect_failed(hs, st, want.fault);
            ++failures;
            continue;
        }
        ASSERT_TRUE(st.ok()) << st.error().message;
        EXPECT_EQ(hs.state(), Handshake::State::act_one_received);
        if (ok) {
            EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act1"], "h_after_c"));
            EXPECT_EQ(hex(hs.chaining_key()), str(trace["act1"], "ck"));
        }

        auto act2 = hs.write_act_two();
        EXPECT_EQ(hex(act2), str(c, "act2_output"));
        if (ok) {
            EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act2"], "h_after_c"));
            EXPECT_EQ(hex(hs.chaining_key()), str(trace["act2"], "ck"));
        }

        st = hs.read_act_three(test::unhex(str(c, "act3_input")));
        if (want.act == 3) {
            expect_failed(hs, st, want.fault);
            ++failures;
            continue;
        }
        ASSERT_TRUE(st.ok()) << st.error().message;
        EXPECT_EQ(hs.state(), Handshake::State::done);
        EXPECT_EQ(hex(hs.remote_static().bytes), str(trace["act3"], "rs"));
        EXPECT_EQ(hex(hs.handshake_hash()), str(trace["act3"], "h"));
        EXPECT_EQ(hex(hs.chaining_key()), str(trace["act3"], "ck"));
        auto t = hs.take_transport();
        EXPECT_EQ(hex(t.send.key()), str(c, "sk"));
        EXPECT_EQ(hex(t.recv.key()), str(c, "rk"));
    }
    EXPECT_EQ(cases, 10);
    EXPECT_EQ(failures, 9);
}

namespace {

// BOLT 8's message: encrypt(uint16 big-endian length) || encrypt(body), AD empty.
std::vector<uint8_t> bolt8_encrypt(CipherState& cs, std::span<const uint8_t> m) {
    std::vector<uint8_t> out(2 + 16 + m.size() + 16);
    const uint8_t len[2] = {uint8_t(m.size() >> 8), uint8_t(m.size())};
    cs.encrypt({}, len, std::span(out).first(18));
    cs.encrypt({}, m, std::span(out).subspan(18));
    return out;
}

std::vector<uint8_t> bolt8_decrypt(CipherState& cs, std::span<const uint8_t> c) {
    uint8_t len[2];
    if (c.size() < 18 || !cs.decrypt({}, c.first(18), len)) return {};
    size_t n = size_t(len[0]) << 8 | len[1];
    std::vector<uint8_t> m(n);
    if (c.size() != 18 + n + 16 || !cs.decrypt({}, c.subspan(18), m)) return {};
    return m;
}

}  // namespace

TEST(Bolt8Vectors, MessageEncryptionWithRotations) {
    auto v = test::load_json("bolt8.json");
    simdjson::dom::element m = v->root["message"];
    crypto::Secret32 ck(std::span<const uint8_t, 32>(test::unhex(str(m, "ck")).data(), 32));
    crypto::Secret32 sk(std::span<const uint8_t, 32>(test::unhex(str(m, "sk")).data(), 32));
    CipherState send(ck, sk);
    CipherState recv(ck, sk);  // the responder's rk equals the initiator's sk
    auto hello = test::unhex(str(m, "plaintext_hex"));

    std::map<int64_t, std::string> want;
    for (auto o : m["outputs"].get_array()) want[test::num(o["index"])] = str(o, "ciphertext");
    ASSERT_EQ(want.size(), 6u);
    std::vector<std::pair<std::string, std::string>> rotations;
    for (auto r : m["rotations"].get_array()) rotations.emplace_back(str(r, "new_ck"), str(r, "new_k"));
    ASSERT_EQ(rotations.size(), 2u);

    for (int i = 0; i <= 1001; ++i) {
        auto c = bolt8_encrypt(send, hello);
        if (want.count(i)) {
            EXPECT_EQ(hex(c), want[i]) << "message " << i;
        }
        EXPECT_EQ(bolt8_decrypt(recv, c), hello) << "message " << i;
        if (i == 499 || i == 999) {
            // 1000 encryptions: the key just rotated, with the nonce back at 0.
            auto& [new_ck, new_k] = rotations[i == 499 ? 0 : 1];
            EXPECT_EQ(hex(send.chaining_key()), new_ck);
            EXPECT_EQ(hex(send.key()), new_k);
            EXPECT_EQ(send.nonce(), 0u);
            EXPECT_EQ(hex(recv.key()), new_k);
        }
    }
}
