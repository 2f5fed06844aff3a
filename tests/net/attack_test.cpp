// Someone in the middle: a wrong relay key, a flipped byte, replayed acts and messages.
// A recording proxy sits between client and server and sees every byte.
#include <gtest/gtest.h>

#include "net/net_support.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

using net::BlockingClient;

std::string wsn_url(const crypto::XOnlyPubkey& key, uint16_t port) {
    return "wsn://" + nostr::encode_npub(key) + "@127.0.0.1:" + std::to_string(port);
}

TEST(NetAttack, WrongRelayKeyFailsAndSendsNothingAfterActOne) {
    auto relay_key = crypto::SecretKey::generate();
    auto other = crypto::SecretKey::generate().xonly_pubkey();
    TestServer ts(local_options(relay_key));
    RecordingProxy proxy("127.0.0.1", ts.port());
    auto c = BlockingClient::connect(wsn_url(other, proxy.port()));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message,
              "relay failed to prove it holds " + nostr::encode_npub(other) + " — wrong key, or someone in between");
    // The server closes once act two is not answered; by then the stream is complete.
    ASSERT_TRUE(wait_for([&] { return ts.server().stats().handshake_failures == 1; }));
    // Only act one carries data; at most a close frame (answering the relay's) follows.
    auto frames = parse_client_frames(proxy.client_to_server());
    ASSERT_GE(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, 2);  // binary
    EXPECT_EQ(frames[0].payload_size, 50u);
    for (size_t i = 1; i < frames.size(); ++i) EXPECT_EQ(frames[i].opcode, 8) << "frame " << i << " after act one";
    EXPECT_TRUE(ts.opened().empty());
}

// Flips the last byte of the client's n-th frame (0 = act one) when it passes.
RecordingProxy::Tamper flip_frame(size_t n) {
    return [n, done = false](bool upstream, const std::string& so_far, std::string& chunk) mutable {
        if (!upstream || done) return;
        std::string all = so_far + chunk;
        auto frames = parse_client_frames(all);
        if (frames.size() <= n) return;
        size_t at = frames[n].payload_offset + frames[n].payload_size - 1;
        if (at < so_far.size()) return;  // already forwarded (cannot happen with whole frames)
        chunk[at - so_far.size()] ^= 0x01;
        done = true;
    };
}

TEST(NetAttack, FlippedByteInALaterMessageClosesTheSession) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key));
    // Frames: act one, act three, message 1, message 2 (flipped).
    RecordingProxy proxy("127.0.0.1", ts.port(), flip_frame(3));
    auto c = BlockingClient::connect(wsn_url(relay_key.xonly_pubkey(), proxy.port()));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->send(R"(["REQ","one",{}])"));
    auto first = c->receive(20s);
    ASSERT_TRUE(first && first->has_value());
    ASSERT_TRUE(c->send(R"(["REQ","two",{}])"));
    auto second = c->receive(20s);
    ASSERT_FALSE(second) << "the session must end";
    ASSERT_TRUE(c->close_info().has_value());
    EXPECT_EQ(c->close_info()->code, 1002);
    auto msgs = ts.messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].text, R"(["REQ","one",{}])");
}

// Sends frame `which` of the client's stream once more right after frame `after`.
RecordingProxy::Tamper replay_frame(size_t which, size_t after) {
    return [=, done = false](bool upstream, const std::string& so_far, std::string& chunk) mutable {
        if (!upstream || done) return;
        auto frames = parse_client_frames(so_far + chunk);
        if (frames.size() <= after) return;
        const auto& f = frames[which];
        // Re-frame the recorded payload (unmasked is allowed? no: client frames must be masked).
        std::string all = so_far + chunk;
        size_t header_start = f.payload_offset - 4 - (f.payload_size >= 126 ? 2 : 0) - 2;
        std::string copy = all.substr(header_start, f.payload_offset + f.payload_size - header_start);
        size_t end_after = frames[after].payload_offset + frames[after].payload_size - so_far.size();
        chunk.insert(end_after, copy);
        done = true;
    };
}

TEST(NetAttack, ReplayedActOrMessageIsRefused) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key));
    const auto url_key = relay_key.xonly_pubkey();
    {
        // Act one again after act three: refused, and the first message is never seen
        // if it came behind the replay.
        RecordingProxy proxy("127.0.0.1", ts.port(), replay_frame(0, 1));
        auto c = BlockingClient::connect(wsn_url(url_key, proxy.port()));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(R"(["REQ","after-replayed-act",{}])"));
        auto r = c->receive(20s);
        ASSERT_FALSE(r);
        EXPECT_EQ(c->close_info()->code, 1002);
    }
    {
        // Message 1 again right behind itself: delivered once, then the session closes.
        RecordingProxy proxy("127.0.0.1", ts.port(), replay_frame(2, 2));
        auto c = BlockingClient::connect(wsn_url(url_key, proxy.port()));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(R"(["REQ","once",{}])"));
        auto r1 = c->receive(20s);
        ASSERT_TRUE(r1 && r1->has_value());
        auto r2 = c->receive(20s);
        ASSERT_FALSE(r2);
        EXPECT_EQ(c->close_info()->code, 1002);
    }
    auto msgs = ts.messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].text, R"(["REQ","once",{}])");
    // A whole recorded client flight replayed on a new connection: the relay's fresh
    // ephemeral key makes the old act three fail; no session opens.
    RecordingProxy recorder("127.0.0.1", ts.port());
    {
        auto c = BlockingClient::connect(wsn_url(url_key, recorder.port()));
        ASSERT_TRUE(c);
        ASSERT_TRUE(c->send(R"(["REQ","recorded",{}])"));
        ASSERT_TRUE(c->receive(20s));
    }
    auto flight = parse_client_frames(recorder.client_to_server());
    ASSERT_GE(flight.size(), 3u);
    size_t opened_before = ts.opened().size();
    RawWs raw(ts.port(), true);
    raw.send_binary(flight[0].payload);
    ASSERT_TRUE(raw.receive().has_value());  // a fresh act two
    raw.send_binary(flight[1].payload);      // the old act three
    raw.send_binary(flight[2].payload);
    EXPECT_FALSE(raw.receive().has_value());
    EXPECT_EQ(raw.close_code(), 1002);
    EXPECT_EQ(ts.opened().size(), opened_before);
}

}  // namespace
}  // namespace wsn::test
