// wsn::Connection: a client and a server in memory, passing WebSocket messages by hand.
#include <gtest/gtest.h>

#include "wsn/connection.hpp"

using namespace wsn;

namespace {

crypto::SecretKey fixed(uint8_t byte) {
    std::array<uint8_t, 32> b{};
    b.fill(byte);
    return *crypto::SecretKey::from_bytes(b);
}

// The first key 1, 2, 3, ... whose point has the wanted parity.
crypto::SecretKey key_with_parity(bool odd, uint8_t start) {
    for (uint8_t i = start;; ++i)
        if (fixed(i).public_key().has_odd_y() == odd) return fixed(i);
}

using Bytes = std::vector<uint8_t>;

std::vector<Event> drain(Connection& c) {
    std::vector<Event> out;
    while (auto e = c.next_event()) out.push_back(std::move(*e));
    return out;
}

// Delivers everything `from` has to send into `to`, as binary messages.
void deliver(Connection& from, Connection& to) {
    for (auto& m : from.take_outgoing()) to.receive(m, true);
}

ProtocolError error_of(const std::vector<Event>& evs) {
    if (evs.size() != 1 || !std::holds_alternative<ProtocolError>(evs[0]))
        throw std::runtime_error("expected exactly one ProtocolError");
    return std::get<ProtocolError>(evs[0]);
}

struct Peers {
    crypto::SecretKey relay_secret;
    crypto::SecretKey client_secret;
    Connection server;
    Connection client;

    explicit Peers(crypto::SecretKey relay = fixed(0x21), crypto::SecretKey client_key = fixed(0x11),
                   size_t server_max = kDefaultMaxMessage)
        : relay_secret(std::move(relay)),
          client_secret(std::move(client_key)),
          server(Connection::server(noise::StaticKey::even_y(relay_secret), server_max)),
          client(std::move(Connection::client(noise::StaticKey(client_secret), relay_secret.xonly_pubkey()).value())) {}

    void handshake() {
        deliver(client, server);  // act one
        deliver(server, client);  // act two
        deliver(client, server);  // act three
        ASSERT_EQ(client.state(), Connection::State::open);
        ASSERT_EQ(server.state(), Connection::State::open);
        drain(client);
        drain(server);
    }
};

}  // namespace

TEST(Connection, FirstMessageRidesWithActThree) {
    Peers p;
    auto act1 = p.client.take_outgoing();
    ASSERT_EQ(act1.size(), 1u);
    EXPECT_EQ(act1[0].size(), noise::kActOneSize);
    const std::string req = R"(["REQ","sub",{}])";
    ASSERT_TRUE(p.client.send(req).ok());  // queued behind the handshake
    EXPECT_TRUE(p.client.take_outgoing().empty());

    p.server.receive(act1[0], true);
    EXPECT_TRUE(drain(p.server).empty());
    auto act2 = p.server.take_outgoing();
    ASSERT_EQ(act2.size(), 1u);
    EXPECT_EQ(act2[0].size(), noise::kActTwoSize);

    p.client.receive(act2[0], true);
    auto evs = drain(p.client);
    ASSERT_EQ(evs.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<HandshakeDone>(evs[0]));
    EXPECT_EQ(std::get<HandshakeDone>(evs[0]).remote, p.relay_secret.xonly_pubkey());
    auto flight = p.client.take_outgoing();
    ASSERT_EQ(flight.size(), 2u);  // act three and the queued message, one flight
    EXPECT_EQ(flight[0].size(), noise::kActThreeSize);
    EXPECT_EQ(flight[1].size(), noise::sealed_size(req.size()));

    p.server.receive(flight[0], true);
    p.server.receive(flight[1], true);
    evs = drain(p.server);
    ASSERT_EQ(evs.size(), 2u);
    ASSERT_TRUE(std::holds_alternative<HandshakeDone>(evs[0]));
    EXPECT_EQ(std::get<HandshakeDone>(evs[0]).remote, p.client_secret.xonly_pubkey());
    EXPECT_EQ(p.server.remote(), p.client_secret.xonly_pubkey());
    ASSERT_TRUE(std::holds_alternative<Message>(evs[1]));
    EXPECT_EQ(std::get<Message>(evs[1]).text(), req);

    ASSERT_TRUE(p.server.send(R"(["EOSE","sub"])").ok());
    deliver(p.server, p.client);
    evs = drain(p.client);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(std::get<Message>(evs[0]).text(), R"(["EOSE","sub"])");
}

TEST(Connection, EveryKeyParity) {
    for (bool relay_odd : {false, true}) {
        for (bool client_odd : {false, true}) {
            Peers p(key_with_parity(relay_odd, 1), key_with_parity(client_odd, 50));
            p.handshake();
            EXPECT_EQ(p.server.remote(), p.client_secret.xonly_pubkey());
            EXPECT_EQ(p.client.remote(), p.relay_secret.xonly_pubkey());
            ASSERT_TRUE(p.client.send("hello").ok());
            deliver(p.client, p.server);
            auto evs = drain(p.server);
            ASSERT_EQ(evs.size(), 1u);
            EXPECT_EQ(std::get<Message>(evs[0]).text(), "hello");
        }
    }
}

TEST(Connection, ClientNamesTheRelayKeyNotProven) {
    // Act two from the genuine relay, but for another client's act one: the relay
    // (as far as this client can tell) did not prove it holds the key.
    Peers p;
    Peers other;
    deliver(other.client, other.server);
    auto act2 = other.server.take_outgoing();
    p.client.take_outgoing();
    p.client.receive(act2[0], true);
    auto evs = drain(p.client);
    const auto e = error_of(evs);
    EXPECT_EQ(e.code, CloseCode::protocol_error);
    ASSERT_TRUE(e.unproven_relay.has_value());
    EXPECT_EQ(*e.unproven_relay, p.relay_secret.xonly_pubkey());
    EXPECT_EQ(e.reason, "relay failed to prove it holds " + p.relay_secret.xonly_pubkey().hex() +
                            " (act two: bad MAC)");
    EXPECT_LE(e.reason.size(), kMaxCloseReason);
    EXPECT_EQ(p.client.state(), Connection::State::failed);
    EXPECT_TRUE(p.client.take_outgoing().empty());
}

TEST(Connection, EveryActTwoFailureNamesTheRelayKey) {
    Peers good;
    deliver(good.client, good.server);
    const auto act2 = good.server.take_outgoing().at(0);
    struct Case {
        size_t byte;
        uint8_t value;
        const char* fault;
    };
    for (auto c : {Case{0, 1, "bad version"}, Case{1, 4, "bad public key"}, Case{49, 0, "bad MAC"}}) {
        Peers p;
        p.client.take_outgoing();
        auto bad = act2;
        bad[c.byte] = c.value == 0 ? bad[c.byte] ^ 1 : c.value;
        p.client.receive(bad, true);
        const auto e = error_of(drain(p.client));
        EXPECT_EQ(e.reason, "relay failed to prove it holds " + p.relay_secret.xonly_pubkey().hex() + " (act two: " +
                                c.fault + ")");
        EXPECT_LE(e.reason.size(), kMaxCloseReason);
        EXPECT_EQ(e.unproven_relay, p.relay_secret.xonly_pubkey());
    }
    Peers p;
    p.client.take_outgoing();
    p.client.receive(std::span(act2).first(49), true);
    EXPECT_NE(error_of(drain(p.client)).reason.find("(act two: bad length)"), std::string::npos);
}

TEST(Connection, ServerWithAnotherKeyRejectsActOne) {
    Peers p;
    Connection impostor = Connection::server(noise::StaticKey::even_y(fixed(0x66)));
    deliver(p.client, impostor);
    const auto e = error_of(drain(impostor));
    EXPECT_EQ(e.code, CloseCode::protocol_error);
    EXPECT_EQ(e.reason, "act one: bad MAC");
    EXPECT_FALSE(e.unproven_relay.has_value());
    EXPECT_TRUE(impostor.take_outgoing().empty());  // no act two
}

TEST(Connection, BadActsCloseWithProtocolError) {
    {
        Peers p;
        auto act1 = p.client.take_outgoing()[0];
        act1.pop_back();
        p.server.receive(act1, true);
        EXPECT_EQ(error_of(drain(p.server)).reason, "act one: bad length 49 (want 50)");
    }
    {
        Peers p;
        deliver(p.client, p.server);
        deliver(p.server, p.client);
        auto flight = p.client.take_outgoing();
        flight[0][0] = 1;
        p.server.receive(flight[0], true);
        const auto e = error_of(drain(p.server));
        EXPECT_EQ(e.code, CloseCode::protocol_error);
        EXPECT_EQ(e.reason, "act three: bad version 1");
    }
}

TEST(Connection, TextFramesAreProtocolErrors) {
    {
        Peers p;
        p.server.receive(p.client.take_outgoing()[0], false);  // act one as text
        EXPECT_EQ(error_of(drain(p.server)).code, CloseCode::protocol_error);
    }
    {
        Peers p;
        p.handshake();
        const std::string json = R"(["REQ","x",{}])";
        p.server.receive(std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()), false);
        const auto e = error_of(drain(p.server));
        EXPECT_EQ(e.code, CloseCode::protocol_error);
        EXPECT_EQ(e.reason, "text frame on a wsn.v1 connection");
    }
}

TEST(Connection, OversizeMessageIsTooBig) {
    Peers p(fixed(0x21), fixed(0x11), 100);
    p.handshake();
    EXPECT_EQ(p.server.max_payload(), 116u);
    ASSERT_TRUE(p.client.send(std::string(100, 'a')).ok());
    ASSERT_TRUE(p.client.send(std::string(101, 'b')).ok());
    deliver(p.client, p.server);
    auto evs = drain(p.server);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(std::get<Message>(evs[0]).plaintext.size(), 100u);
    ASSERT_TRUE(std::holds_alternative<ProtocolError>(evs[1]));
    EXPECT_EQ(std::get<ProtocolError>(evs[1]).code, CloseCode::message_too_big);
}

TEST(Connection, TamperedMessageFailsForGood) {
    Peers p;
    p.handshake();
    ASSERT_TRUE(p.client.send("one").ok());
    ASSERT_TRUE(p.client.send("two").ok());
    auto out = p.client.take_outgoing();
    out[0][3] ^= 0x10;
    p.server.receive(out[0], true);
    p.server.receive(out[1], true);  // ignored: the connection has failed
    auto evs = drain(p.server);
    const auto e = error_of(evs);
    EXPECT_EQ(e.code, CloseCode::protocol_error);
    EXPECT_EQ(p.server.state(), Connection::State::failed);
    EXPECT_FALSE(p.server.send("reply").ok());
    EXPECT_TRUE(p.server.take_outgoing().empty());
}

TEST(Connection, EmptyMessagesAreRefused) {
    Peers p;
    EXPECT_FALSE(p.client.send("").ok());  // refused while handshaking too
    p.handshake();
    EXPECT_FALSE(p.client.send("").ok());
    EXPECT_TRUE(p.client.take_outgoing().empty());
    ASSERT_TRUE(p.client.send("x").ok());  // and the connection goes on
    deliver(p.client, p.server);
    EXPECT_EQ(std::get<Message>(drain(p.server).at(0)).text(), "x");
    // A sealed payload that can only hold an empty plaintext is a protocol error.
    p.server.receive(Bytes(16, 0), true);
    EXPECT_EQ(error_of(drain(p.server)).code, CloseCode::protocol_error);
}

TEST(Connection, ServerQueuesUntilDone) {
    Peers p;
    ASSERT_TRUE(p.server.send("early").ok());
    deliver(p.client, p.server);
    EXPECT_EQ(p.server.take_outgoing().size(), 1u);  // act two only
    Peers q;
    ASSERT_TRUE(q.server.send("early").ok());
    deliver(q.client, q.server);
    deliver(q.server, q.client);
    deliver(q.client, q.server);
    auto out = q.server.take_outgoing();
    ASSERT_EQ(out.size(), 1u);
    q.client.receive(out[0], true);
    auto evs = drain(q.client);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(std::get<Message>(evs[1]).text(), "early");
}

TEST(Connection, RelayKeyNotOnTheCurveIsRefused) {
    crypto::XOnlyPubkey bad;
    bad.bytes.fill(0xff);  // x >= p
    auto c = Connection::client(noise::StaticKey(fixed(0x11)), bad);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("not a point"), std::string::npos);
}

TEST(ConnectionDeathTest, ServerKeyWithOddYAborts) {
    auto odd = key_with_parity(true, 1);
    EXPECT_DEATH((void)Connection::server(noise::StaticKey(odd)), "");
}
