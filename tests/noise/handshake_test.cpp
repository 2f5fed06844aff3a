// The wsn.v1 handshake between two in-memory peers: keys of both y parities, the
// responder learning the client's x-only key, both sides holding the same h and ck
// after each act, and every truncation, extension and bit flip of each act failing.
#include <gtest/gtest.h>

#include "noise/handshake.hpp"
#include "noise_test_util.hpp"

using namespace wsn;
using namespace wsn::noise;
using wsn::test::hex;

namespace {

// The first secret key 1, 2, 3, ... whose point has the wanted parity.
crypto::SecretKey key_with_parity(bool odd, uint8_t start = 1) {
    for (uint8_t i = start;; ++i) {
        std::array<uint8_t, 32> b{};
        b.fill(i);
        auto k = *crypto::SecretKey::from_bytes(b);
        if (k.public_key().has_odd_y() == odd) return k;
    }
}

crypto::SecretKey fixed(uint8_t byte) {
    std::array<uint8_t, 32> b{};
    b.fill(byte);
    return *crypto::SecretKey::from_bytes(b);
}

// A fixed relay and client with fixed ephemerals, so every act is the same each run.
struct Fixed {
    StaticKey relay = StaticKey::even_y(fixed(0x21));
    StaticKey client{fixed(0x11)};

    Handshake initiator() const {
        return Handshake::initiator(client, *crypto::lift_x(relay.pub.xonly()), kWsnPrologue, fixed(0x12));
    }
    Handshake responder() const { return Handshake::responder(relay, kWsnPrologue, fixed(0x22)); }
};

std::vector<uint8_t> flipped(std::span<const uint8_t> act, size_t bit) {
    std::vector<uint8_t> v(act.begin(), act.end());
    v[bit / 8] ^= uint8_t(1u << (bit % 8));
    return v;
}

}  // namespace

TEST(Handshake, WsnPeersOfEveryParityAgree) {
    for (bool relay_odd : {false, true}) {
        for (bool client_odd : {false, true}) {
            SCOPED_TRACE(std::string("relay ") + (relay_odd ? "odd" : "even") + ", client " +
                         (client_odd ? "odd" : "even"));
            auto relay_secret = key_with_parity(relay_odd);
            auto client_secret = key_with_parity(client_odd, 40);
            ASSERT_EQ(relay_secret.public_key().has_odd_y(), relay_odd);
            ASSERT_EQ(client_secret.public_key().has_odd_y(), client_odd);

            // The client knows only the relay's npub; it lifts it to even y.
            StaticKey relay = StaticKey::even_y(relay_secret);
            EXPECT_FALSE(relay.pub.has_odd_y());
            EXPECT_EQ(relay.pub.xonly(), relay_secret.xonly_pubkey());
            auto relay_point = crypto::lift_x(relay_secret.xonly_pubkey());
            ASSERT_TRUE(relay_point.ok());

            auto i = Handshake::initiator(StaticKey(client_secret), *relay_point);
            auto r = Handshake::responder(relay);
            EXPECT_EQ(i.handshake_hash(), r.handshake_hash());

            auto a1 = i.write_act_one();
            ASSERT_TRUE(r.read_act_one(a1).ok());
            EXPECT_EQ(i.handshake_hash(), r.handshake_hash());
            EXPECT_EQ(hex(i.chaining_key()), hex(r.chaining_key()));

            auto a2 = r.write_act_two();
            ASSERT_TRUE(i.read_act_two(a2).ok());
            EXPECT_EQ(i.handshake_hash(), r.handshake_hash());
            EXPECT_EQ(hex(i.chaining_key()), hex(r.chaining_key()));

            auto a3 = i.write_act_three();
            ASSERT_TRUE(r.read_act_three(a3).ok());
            EXPECT_EQ(i.state(), Handshake::State::done);
            EXPECT_EQ(r.state(), Handshake::State::done);
            EXPECT_EQ(i.handshake_hash(), r.handshake_hash());
            EXPECT_EQ(hex(i.chaining_key()), hex(r.chaining_key()));

            // The relay learns the client's full point and its x-only Nostr key.
            EXPECT_EQ(r.remote_static(), client_secret.public_key());
            EXPECT_EQ(r.remote_xonly(), client_secret.xonly_pubkey());
            EXPECT_EQ(i.remote_xonly(), relay_secret.xonly_pubkey());

            auto ti = i.take_transport();
            auto tr = r.take_transport();
            EXPECT_EQ(hex(ti.send.key()), hex(tr.recv.key()));
            EXPECT_EQ(hex(ti.recv.key()), hex(tr.send.key()));
            EXPECT_NE(hex(ti.send.key()), hex(ti.recv.key()));
        }
    }
}

TEST(Handshake, OddRelayKeyUsedWithoutNegationFailsActOne) {
    // Why the relay negates: the client lifts its npub to even y, so an odd-y secret
    // used as is computes a different es, and act one fails to authenticate.
    auto odd = key_with_parity(true);
    auto i = Handshake::initiator(StaticKey(fixed(0x11)), *crypto::lift_x(odd.xonly_pubkey()));
    auto r = Handshake::responder(StaticKey(odd));
    Status st = r.read_act_one(i.write_act_one());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(r.fault(), ActFault::bad_mac);
    EXPECT_EQ(st.error().message, "act one: bad MAC");
}

TEST(Handshake, PrologueIsBound) {
    Fixed f;
    auto i = Handshake::initiator(f.client, f.relay.pub, kLightningPrologue);
    auto r = Handshake::responder(f.relay, kWsnPrologue);
    EXPECT_FALSE(r.read_act_one(i.write_act_one()).ok());
    EXPECT_EQ(r.fault(), ActFault::bad_mac);
}

TEST(Handshake, WrongRelayKeyFailsActOneAndActTwo) {
    Fixed f;
    StaticKey other = StaticKey::even_y(fixed(0x33));
    // A client that expects `other` but reaches f.relay: the relay cannot read act one...
    auto i = Handshake::initiator(f.client, other.pub);
    auto r = f.responder();
    EXPECT_FALSE(r.read_act_one(i.write_act_one()).ok());
    // ...and an impostor relay that answers anyway cannot produce a valid act two.
    auto i2 = Handshake::initiator(f.client, other.pub, kWsnPrologue, fixed(0x12));
    auto r_good = f.responder();
    auto a1 = f.initiator().write_act_one();
    ASSERT_TRUE(r_good.read_act_one(a1).ok());
    i2.write_act_one();
    Status st = i2.read_act_two(r_good.write_act_two());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(i2.fault(), ActFault::bad_mac);
    EXPECT_EQ(st.error().message, "act two: bad MAC");
}

TEST(Handshake, ActOneEveryTruncationExtensionAndBitFlipFails) {
    Fixed f;
    const auto act = f.initiator().write_act_one();
    for (size_t n = 0; n <= act.size() + 1; ++n) {
        if (n == act.size()) continue;
        std::vector<uint8_t> v(act.begin(), act.begin() + std::min(n, act.size()));
        v.resize(n, 0);
        auto r = f.responder();
        const auto h_before = r.handshake_hash();
        Status st = r.read_act_one(v);
        ASSERT_FALSE(st.ok()) << "length " << n;
        EXPECT_EQ(r.fault(), ActFault::bad_length);
        EXPECT_EQ(r.handshake_hash(), h_before);  // nothing committed
    }
    for (size_t bit = 0; bit < act.size() * 8; ++bit) {
        auto r = f.responder();
        const auto h_before = r.handshake_hash();
        Status st = r.read_act_one(flipped(act, bit));
        ASSERT_FALSE(st.ok()) << "bit " << bit;
        EXPECT_EQ(r.state(), Handshake::State::failed);
        EXPECT_EQ(r.handshake_hash(), h_before);
        if (bit < 8) EXPECT_EQ(r.fault(), ActFault::bad_version);
        else if (bit >= 34 * 8) EXPECT_EQ(r.fault(), ActFault::bad_mac);
        else EXPECT_TRUE(r.fault() == ActFault::bad_pubkey || r.fault() == ActFault::bad_mac) << "bit " << bit;
    }
    auto r = f.responder();
    EXPECT_TRUE(r.read_act_one(act).ok());  // the unmodified act is fine
}

TEST(Handshake, ActTwoEveryTruncationExtensionAndBitFlipFails) {
    Fixed f;
    auto r = f.responder();
    ASSERT_TRUE(r.read_act_one(f.initiator().write_act_one()).ok());
    const auto act = r.write_act_two();
    auto fresh = [&] {
        auto i = f.initiator();
        i.write_act_one();
        return i;
    };
    for (size_t n = 0; n <= act.size() + 1; ++n) {
        if (n == act.size()) continue;
        std::vector<uint8_t> v(act.begin(), act.begin() + std::min(n, act.size()));
        v.resize(n, 0);
        auto i = fresh();
        ASSERT_FALSE(i.read_act_two(v).ok()) << "length " << n;
        EXPECT_EQ(i.fault(), ActFault::bad_length);
    }
    for (size_t bit = 0; bit < act.size() * 8; ++bit) {
        auto i = fresh();
        const auto h_before = i.handshake_hash();
        ASSERT_FALSE(i.read_act_two(flipped(act, bit)).ok()) << "bit " << bit;
        EXPECT_EQ(i.state(), Handshake::State::failed);
        EXPECT_EQ(i.handshake_hash(), h_before);
        if (bit < 8) EXPECT_EQ(i.fault(), ActFault::bad_version);
        else if (bit >= 34 * 8) EXPECT_EQ(i.fault(), ActFault::bad_mac);
        else EXPECT_TRUE(i.fault() == ActFault::bad_pubkey || i.fault() == ActFault::bad_mac) << "bit " << bit;
    }
    auto i = fresh();
    EXPECT_TRUE(i.read_act_two(act).ok());
}

TEST(Handshake, ActThreeEveryTruncationExtensionAndBitFlipFails) {
    Fixed f;
    // The genuine act three, from peers with fixed keys; each trial replays acts one
    // and two into a fresh responder, which then holds the same h and ck.
    auto i = f.initiator();
    const auto a1 = i.write_act_one();
    auto fresh = [&] {
        auto r = f.responder();
        EXPECT_TRUE(r.read_act_one(a1).ok());
        r.write_act_two();
        return r;
    };
    auto r0 = f.responder();
    ASSERT_TRUE(r0.read_act_one(a1).ok());
    ASSERT_TRUE(i.read_act_two(r0.write_act_two()).ok());
    const auto act = i.write_act_three();

    for (size_t n = 0; n <= act.size() + 1; ++n) {
        if (n == act.size()) continue;
        std::vector<uint8_t> v(act.begin(), act.begin() + std::min(n, act.size()));
        v.resize(n, 0);
        auto r = fresh();
        ASSERT_FALSE(r.read_act_three(v).ok()) << "length " << n;
        EXPECT_EQ(r.fault(), ActFault::bad_length);
    }
    for (size_t bit = 0; bit < act.size() * 8; ++bit) {
        auto r = fresh();
        const auto h_before = r.handshake_hash();
        ASSERT_FALSE(r.read_act_three(flipped(act, bit)).ok()) << "bit " << bit;
        EXPECT_EQ(r.state(), Handshake::State::failed);
        EXPECT_EQ(r.handshake_hash(), h_before);
        if (bit < 8) EXPECT_EQ(r.fault(), ActFault::bad_version);
        else if (bit < 50 * 8) EXPECT_EQ(r.fault(), ActFault::bad_static_key_mac) << "bit " << bit;
        else EXPECT_EQ(r.fault(), ActFault::bad_mac) << "bit " << bit;
    }
    auto r = fresh();
    EXPECT_TRUE(r.read_act_three(act).ok());
    EXPECT_EQ(r.remote_xonly(), f.client.pub.xonly());
}

TEST(HandshakeDeathTest, ActsOutOfOrderAbort) {
    Fixed f;
    EXPECT_DEATH({ auto i = f.initiator(); (void)i.read_act_two(std::vector<uint8_t>(50)); }, "");
    EXPECT_DEATH({ auto r = f.responder(); r.write_act_two(); }, "");
    EXPECT_DEATH({ auto r = f.responder(); (void)r.take_transport(); }, "");
    EXPECT_DEATH({ auto r = f.responder(); (void)r.remote_static(); }, "");
}
