// Input backpressure (ServerOptions::max_unconsumed_bytes_per_session): a session whose
// delivered messages are not consumed stops reading, others go on, nothing is lost.
#include <gtest/gtest.h>

#include "net/net_support.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

constexpr size_t kText = 1000;
constexpr size_t kCost = kText + net::kInputMessageOverhead;

std::string numbered(int i) {
    std::string t = std::to_string(i) + ":";
    t.resize(kText, 'x');
    return t;
}

size_t count_from(TestServer& ts, uint64_t session) {
    size_t n = 0;
    for (const auto& m : ts.messages()) n += m.session == session;
    return n;
}

// Consumes every message delivered so far that was not yet (`done` of them were), until
// `want` of them arrived; true if they all did, in order.
bool consume_until(TestServer& ts, uint64_t session, size_t want) {
    size_t done = 0;
    bool in_order = true;
    bool all = wait_for([&] {
        auto msgs = ts.messages();
        size_t seen = 0;
        for (const auto& m : msgs) {
            if (m.session != session) continue;
            if (seen >= done) {
                in_order = in_order && m.text == numbered(int(seen));
                ts.server().consumed(session, m.text.size());
                ++done;
            }
            ++seen;
        }
        return done >= want;
    });
    return all && in_order;
}

TEST(NetInputBackpressure, ASessionOverItsShareStopsReadingUntilConsumed) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.max_unconsumed_bytes_per_session = 4 * kCost - 1;  // the 4th message goes past it
    TestServer ts(std::move(opts), false);
    RawWs flood(ts.port(), false);
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 1; }));
    const uint64_t id = ts.opened()[0].id;
    for (int i = 0; i < 50; ++i) flood.send_text(numbered(i));  // 50 KB: the kernel's buffers hold it

    // Another client, wsn this time, is read as usual meanwhile (its own share).
    auto other = net::BlockingClient::connect("wsn://" + nostr::encode_npub(relay.xonly_pubkey()) + "@127.0.0.1:" +
                                              std::to_string(ts.port()));
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_TRUE(other->send(R"(["REQ","other",{}])"));
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 2 && count_from(ts, ts.opened()[1].id) == 1; }));
    // The flood stopped at its share: no more arrives while nothing is consumed.
    EXPECT_FALSE(wait_for([&] { return count_from(ts, id) > 4; }, 300ms));
    EXPECT_EQ(count_from(ts, id), 4u);

    // Consumed, it reads on: every message arrives, once and in order.
    EXPECT_TRUE(consume_until(ts, id, 50));
    EXPECT_EQ(count_from(ts, id), 50u);
    EXPECT_TRUE(ts.closed().empty());
}

TEST(NetInputBackpressure, TheGlobalCapPausesASessionPastTheFairShare) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.max_unconsumed_bytes_per_session = 1 << 20;
    opts.max_unconsumed_bytes_total = 1;  // always past it: the fair share is all a session gets
    TestServer ts(std::move(opts), false);
    RawWs flood(ts.port(), false);
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 1; }));
    const uint64_t id = ts.opened()[0].id;
    for (int i = 0; i < 100; ++i) flood.send_text(numbered(i));
    const size_t share = net::kFairInputShare / kCost + 1;  // the message that goes past it is read
    ASSERT_TRUE(wait_for([&] { return count_from(ts, id) == share; }));
    EXPECT_FALSE(wait_for([&] { return count_from(ts, id) > share; }, 300ms));
    EXPECT_TRUE(consume_until(ts, id, 100));
}

TEST(NetInputBackpressure, APausedSessionStillCloses) {
    auto relay = crypto::SecretKey::generate();
    auto opts = local_options(relay);
    opts.max_unconsumed_bytes_per_session = kCost;
    TestServer ts(std::move(opts), false);
    RawWs flood(ts.port(), false);
    ASSERT_TRUE(wait_for([&] { return ts.opened().size() == 1; }));
    const uint64_t id = ts.opened()[0].id;
    for (int i = 0; i < 10; ++i) flood.send_text(numbered(i));
    ASSERT_TRUE(wait_for([&] { return count_from(ts, id) == 2; }));
    ts.server().close(id, 1008, "enough");
    while (flood.receive(20s)) {
    }
    EXPECT_EQ(flood.close_code(), 1008);
    ASSERT_TRUE(wait_for([&] { return ts.closed().size() == 1; }));
    EXPECT_EQ(count_from(ts, id), 2u);  // nothing is delivered once closing
}

}  // namespace
}  // namespace wsn::test
