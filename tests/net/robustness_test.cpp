// Bad peers: silence past the deadline, oversize messages, a reader that stops reading,
// garbage or truncated acts, a text frame after the handshake. Each is closed with the
// right code and the server keeps serving others.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include "net/net_support.hpp"
#include "noise/framing.hpp"
#include "noise/handshake.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

using net::BlockingClient;

std::string wsn_url(const crypto::SecretKey& relay, uint16_t port) {
    return "wsn://" + nostr::encode_npub(relay.xonly_pubkey()) + "@127.0.0.1:" + std::to_string(port);
}

std::string bytes(std::span<const uint8_t> b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }
std::span<const uint8_t> span(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

// The server still answers a normal wsn client.
void expect_serving(const crypto::SecretKey& relay, uint16_t port) {
    auto c = BlockingClient::connect(wsn_url(relay, port));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->send(R"(["REQ","still-here",{}])"));
    auto r = c->receive(20s);
    ASSERT_TRUE(r && r->has_value());
    EXPECT_EQ(**r, R"(ECHO:["REQ","still-here",{}])");
}

// A handshake by hand over a raw WebSocket; returns the transport keys.
noise::Transport raw_handshake(RawWs& raw, const crypto::SecretKey& relay) {
    noise::StaticKey me(crypto::SecretKey::generate());
    auto hs = noise::Handshake::initiator(me, *crypto::lift_x(relay.xonly_pubkey()));
    raw.send_binary(bytes(hs.write_act_one()));
    auto act2 = raw.receive();
    EXPECT_TRUE(act2.has_value());
    EXPECT_TRUE(hs.read_act_two(span(act2.value_or(""))));
    raw.send_binary(bytes(hs.write_act_three()));
    return hs.take_transport();
}

TEST(NetRobustness, HandshakeDeadline) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.handshake_timeout = 700ms;
    TestServer ts(std::move(opts));
    {
        // Upgraded with wsn.v1, then silent.
        RawWs raw(ts.port(), true);
        auto t0 = std::chrono::steady_clock::now();
        EXPECT_FALSE(raw.receive(30s).has_value());
        auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_GE(took, 500ms);
        EXPECT_LT(took, 10s);
    }
    {
        // Connected, and not even an HTTP request.
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::socket s(ioc);
        s.connect({boost::asio::ip::address_v4::loopback(), ts.port()});
        auto t0 = std::chrono::steady_clock::now();
        char b;
        boost::system::error_code ec;
        boost::asio::read(s, boost::asio::buffer(&b, 1), ec);
        EXPECT_TRUE(ec);  // EOF or reset when the server drops it
        auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_GE(took, 500ms);
        EXPECT_LT(took, 10s);
    }
    {
        // Half a handshake (act one, then nothing) is dropped too.
        RawWs raw(ts.port(), true);
        noise::StaticKey me(crypto::SecretKey::generate());
        auto hs = noise::Handshake::initiator(me, *crypto::lift_x(relay.xonly_pubkey()));
        raw.send_binary(bytes(hs.write_act_one()));
        EXPECT_TRUE(raw.receive().has_value());
        EXPECT_FALSE(raw.receive(30s).has_value());
    }
    EXPECT_TRUE(ts.opened().empty());
    expect_serving(relay, ts.port());
}

TEST(NetRobustness, OversizeMessageIsClosedWith1009) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.max_message_bytes = 1000;
    TestServer ts(std::move(opts));
    for (bool wsn : {true, false}) {
        SCOPED_TRACE(wsn ? "wsn" : "ws");
        auto c = BlockingClient::connect(wsn ? wsn_url(relay, ts.port())
                                             : "ws://127.0.0.1:" + std::to_string(ts.port()));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(std::string(1000, 'a')));  // at the limit: fine
        auto ok = c->receive(20s);
        ASSERT_TRUE(ok && ok->has_value());
        ASSERT_TRUE(c->send(std::string(1001, 'b')));
        auto r = c->receive(20s);
        ASSERT_FALSE(r);
        EXPECT_EQ(c->close_info()->code, 1009);
    }
    for (auto& m : ts.messages()) EXPECT_EQ(m.text, std::string(1000, 'a'));
    expect_serving(relay, ts.port());
}

TEST(NetRobustness, SlowReaderIsClosedAndMemoryStaysBounded) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.max_send_queue_bytes = 256 * 1024;
    TestServer ts(std::move(opts), false);
    RawWs raw(ts.port(), false);
    raw.send_text(R"(["REQ","firehose",{}])");
    // The REQ must be read before the flood: frames that arrive once closing has begun are dropped.
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 1 && ts.messages().size() == 1; }));
    const uint64_t id = ts.opened()[0].id;
    const long rss0 = rss_kib();
    const std::string big(64 * 1024, 'x');
    int sent = 0;
    // The client reads nothing: kernel buffers fill, then the queue, then the server gives up.
    while (ts.server().stats().slow_reader_closes == 0 && sent < 4000) {
        ts.server().send(id, big);
        if (++sent % 8 == 0) std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(ts.server().stats().slow_reader_closes, 1u) << "sent " << sent << " messages";
    const long growth = rss_kib() - rss0;
    std::printf("slow reader: closed after %d messages of 64 KiB; RSS growth %ld KiB\n", sent, growth);
    EXPECT_LT(growth, 64 * 1024);
    // Now it reads: what was in flight, then the close with its reason.
    while (raw.receive(20s)) {
    }
    EXPECT_EQ(raw.close_code(), 1008);
    EXPECT_EQ(raw.close_reason(), "slow reader: send queue full");
    ASSERT_TRUE(wait_for([&] { return ts.closed().size() == 1; }));
    // Another client is still served, both ways (this server does not echo).
    auto c = BlockingClient::connect(wsn_url(relay, ts.port()));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->send(R"(["REQ","next",{}])"));
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 2 && ts.messages().size() == 2; }));
    ts.server().send(ts.opened()[1].id, "hello");
    auto r = c->receive(20s);
    ASSERT_TRUE(r && r->has_value());
    EXPECT_EQ(**r, "hello");
}

TEST(NetRobustness, GarbageActOneIsAProtocolError) {
    auto relay = crypto::SecretKey::generate();
    TestServer ts(local_options(relay));
    std::string garbage(50, '\0');
    crypto::random_bytes({reinterpret_cast<uint8_t*>(garbage.data()) + 1, 49});  // version 0, junk after
    RawWs raw(ts.port(), true);
    EXPECT_EQ(raw.selected_protocol(), "wsn.v1");
    raw.send_binary(garbage);
    EXPECT_FALSE(raw.receive().has_value());
    EXPECT_EQ(raw.close_code(), 1002);
    EXPECT_TRUE(ts.opened().empty());
    expect_serving(relay, ts.port());
}

TEST(NetRobustness, TruncatedActIsAProtocolError) {
    auto relay = crypto::SecretKey::generate();
    TestServer ts(local_options(relay));
    noise::StaticKey me(crypto::SecretKey::generate());
    {
        auto hs = noise::Handshake::initiator(me, *crypto::lift_x(relay.xonly_pubkey()));
        RawWs raw(ts.port(), true);
        raw.send_binary(bytes(hs.write_act_one()).substr(0, 49));
        EXPECT_FALSE(raw.receive().has_value());
        EXPECT_EQ(raw.close_code(), 1002);
    }
    {
        auto hs = noise::Handshake::initiator(me, *crypto::lift_x(relay.xonly_pubkey()));
        RawWs raw(ts.port(), true);
        raw.send_binary(bytes(hs.write_act_one()));
        auto act2 = raw.receive();
        ASSERT_TRUE(act2.has_value());
        ASSERT_TRUE(hs.read_act_two(span(*act2)));
        raw.send_binary(bytes(hs.write_act_three()).substr(0, 65));
        EXPECT_FALSE(raw.receive().has_value());
        EXPECT_EQ(raw.close_code(), 1002);
    }
    EXPECT_TRUE(ts.opened().empty());
    expect_serving(relay, ts.port());
}

TEST(NetRobustness, TextFrameAfterHandshakeIsAProtocolError) {
    auto relay = crypto::SecretKey::generate();
    TestServer ts(local_options(relay));
    RawWs raw(ts.port(), true);
    auto t = raw_handshake(raw, relay);
    noise::Sealer sealer(std::move(t.send));
    raw.send_binary(bytes(*sealer.seal(span(R"(["REQ","sealed",{}])"))));
    ASSERT_TRUE(raw.receive().has_value());  // the echo
    raw.send_text(R"(["REQ","in the clear",{}])");
    EXPECT_FALSE(raw.receive().has_value());
    EXPECT_EQ(raw.close_code(), 1002);
    auto msgs = ts.messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].text, R"(["REQ","sealed",{}])");
    expect_serving(relay, ts.port());
}

}  // namespace
}  // namespace wsn::test
